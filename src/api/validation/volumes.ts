/**
 * Volume rules of a VMI spec (upstream validateVolumes, validateContainerDisks and the VMI-only
 * volume/disk matching): unique names, exactly one source, feature-gated sources, hostDisk and
 * reference fields, singleton sources, containerDisk paths, and every volume used by a disk.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { Volume } from '../kubevirt/volumes.js';
import { VOLUME_SOURCE_KINDS } from '../kubevirt/volumes.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { isZeroQuantity } from '../kubevirt/quantity.js';
import { cause, cleanAbsolute, gateOn, invalidCause, requiredCause, type ValidationConfig } from './cause.js';
import { validateCloudInit } from './cloudinit.js';

const present = (v: unknown): boolean => v !== undefined && v !== null;
const requiredField = (f: FieldPath): FieldError => invalidCause(f, `${String(f)} is a required field`);

function validateHostDisk(field: FieldPath, volume: Volume, config: ValidationConfig): FieldError[] {
  const hd = volume.hostDisk;
  if (!hd) return [];
  const errs: FieldError[] = [];
  if (!gateOn(config, 'HostDisk')) errs.push(invalidCause(field, 'HostDisk feature gate is not enabled'));
  if (!hd.path) errs.push(cause('FieldValueNotFound', field.child('hostDisk', 'path'), `${String(field.child('hostDisk', 'path'))} is required for hostDisk volume`));
  const type = hd.type as string | undefined;
  if (type !== 'Disk' && type !== 'DiskOrCreate') {
    errs.push(invalidCause(field.child('hostDisk', 'type'), `${String(field.child('hostDisk', 'type'))} has invalid value '${type ?? ''}', allowed are 'Disk' or 'DiskOrCreate'`));
  }
  if (type === 'Disk' && !isZeroQuantity(hd.capacity)) {
    errs.push(invalidCause(field.child('hostDisk', 'capacity'), `${String(field.child('hostDisk', 'capacity'))} is allowed to pass only with ${String(field.child('hostDisk', 'type'))} equal to 'DiskOrCreate'`));
  }
  return errs;
}

function validateOneVolume(field: FieldPath, volume: Volume, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  if (volume.dataVolume && !volume.dataVolume.name) errs.push(requiredCause(field.child('name'), "DataVolume 'name' must be set"));
  const sources = VOLUME_SOURCE_KINDS.filter((k) => present(volume[k]));
  if (sources.length !== 1) errs.push(invalidCause(field, `${String(field)} must have exactly one source type set`));
  if (volume.cloudInitNoCloud) errs.push(...validateCloudInit(field.child('cloudInitNoCloud'), volume.cloudInitNoCloud));
  else if (volume.cloudInitConfigDrive) errs.push(...validateCloudInit(field.child('cloudInitConfigDrive'), volume.cloudInitConfigDrive));
  if (volume.downwardMetrics && !gateOn(config, 'DownwardMetrics')) {
    errs.push(invalidCause(field, 'downwardMetrics disks are not allowed: DownwardMetrics feature gate is not enabled.'));
  }
  errs.push(...validateHostDisk(field, volume, config));
  if (volume.configMap && !volume.configMap.name) errs.push(requiredField(field.child('configMap', 'name')));
  if (volume.secret && !volume.secret.secretName) errs.push(requiredField(field.child('secret', 'secretName')));
  if (volume.serviceAccount && !volume.serviceAccount.serviceAccountName) errs.push(requiredField(field.child('serviceAccount', 'serviceAccountName')));
  return errs;
}

/** Rules of `spec.volumes`, shared by VMIs and VM/replica-set templates. */
export function validateVolumes(field: FieldPath, volumes: readonly Volume[] | undefined, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Map<string, number>();
  const singletons = { serviceAccount: 0, downwardMetrics: 0, memoryDump: 0 };
  (volumes ?? []).forEach((volume, i) => {
    const f = field.index(i);
    const other = names.get(volume.name);
    if (other === undefined) names.set(volume.name, i);
    else errs.push(invalidCause(f.child('name'), `${String(f)} and ${String(field.index(other))} must not have the same Name.`));
    errs.push(...validateOneVolume(f, volume, config));
    for (const k of Object.keys(singletons) as (keyof typeof singletons)[]) if (present(volume[k])) singletons[k]++;
  });
  if (singletons.serviceAccount > 1) errs.push(invalidCause(field, `${String(field)} must have max one serviceAccount volume set`));
  if (singletons.downwardMetrics > 1) errs.push(invalidCause(field, `${String(field)} must have max one downwardMetric volume set`));
  if (singletons.memoryDump > 1) errs.push(invalidCause(field, `${String(field)} must have max one memory dump volume set`));
  return errs;
}

/** An absolute file path without relative components, not `/` (upstream validatePath). */
export function validatePath(field: FieldPath, path: string): FieldError[] {
  if (path === '/') return [invalidCause(field, `${String(field)} must not point to root`)];
  const provided = path.replace(/\/+$/, '');
  if (cleanAbsolute(path) !== provided) return [invalidCause(field, `${String(field)} must be an absolute path to a file without relative components`)];
  return [];
}

/** containerDisk `path` values. */
export function validateContainerDiskPaths(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const errs: FieldError[] = [];
  (spec.volumes ?? []).forEach((v, i) => {
    if (v.containerDisk?.path) errs.push(...validatePath(field.child('volumes').index(i).child('containerDisk'), v.containerDisk.path));
  });
  return errs;
}

/** VMI only: every volume (except memory dumps) is used by a disk or a filesystem. */
export function validateVolumesUsed(field: FieldPath, spec: VirtualMachineInstanceSpec): FieldError[] {
  const used = new Set<string>([...(spec.domain?.devices?.disks ?? []).map((d) => d.name), ...(spec.domain?.devices?.filesystems ?? []).map((f) => f.name)]);
  const errs: FieldError[] = [];
  (spec.volumes ?? []).forEach((v, i) => {
    if (v.memoryDump || used.has(v.name)) return;
    const f = field.child('volumes').index(i).child('name');
    errs.push(invalidCause(f, `${String(f)} '${v.name}' not found.`));
  });
  return errs;
}
