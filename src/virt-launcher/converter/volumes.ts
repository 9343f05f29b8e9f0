/**
 * Where each volume's disk is on the host. The launcher passes what it resolved (paths, detected
 * formats, block or file); for volumes it left out, upstream's paths for the volume's kind are used.
 */
import type { VirtualMachineInstance, Volume } from '../../api/kubevirt/index.js';
import { VOLUME_SOURCE_KINDS } from '../../api/kubevirt/volume-kinds.js';
import { StatusError } from '../../api/meta/index.js';
import type { DiskSource } from './context.js';

/** The kind of a volume (its one source field); undefined when it has none. */
export const volumeKind = (v: Volume): (typeof VOLUME_SOURCE_KINDS)[number] | undefined => VOLUME_SOURCE_KINDS.find((k) => v[k] !== undefined);

const PRIVATE = '/var/run/kubevirt-private';
const EPHEMERAL = '/var/run/kubevirt-ephemeral-disks/disk-data';
const file = (path: string, format: 'raw' | 'qcow2' = 'raw'): DiskSource => ({ type: 'file', path, format });
const overlay = (name: string, backing: string): DiskSource => ({
  type: 'file',
  path: `${EPHEMERAL}/${name}/disk.qcow2`,
  format: 'qcow2',
  backing: { type: 'file', path: backing, format: 'raw' },
});

/** Upstream's path for volume `v` (the `index`th volume of the VMI), used when the launcher resolved none. */
export function defaultDiskSource(vmi: VirtualMachineInstance, v: Volume, index: number): DiskSource {
  const ns = vmi.metadata?.namespace ?? 'default';
  const vmiName = vmi.metadata?.name ?? '';
  const pvcDisk = `${PRIVATE}/vmi-disks/${v.name}/disk.img`;
  const kind = volumeKind(v);
  switch (kind) {
    case 'persistentVolumeClaim':
    case 'dataVolume':
      return file(pvcDisk);
    case 'containerDisk':
      return overlay(v.name, `/var/run/kubevirt/container-disks/disk_${index}.img`);
    case 'ephemeral':
      return overlay(v.name, pvcDisk);
    case 'emptyDisk':
      return file(`/var/run/libvirt/empty-disks/${v.name}.qcow2`, 'qcow2');
    case 'hostDisk':
      return file(v.hostDisk!.path);
    case 'cloudInitNoCloud':
      return file(`/var/run/libvirt/cloud-init-dir/${ns}/${vmiName}/noCloud.iso`);
    case 'cloudInitConfigDrive':
      return file(`/var/run/libvirt/cloud-init-dir/${ns}/${vmiName}/configdrive.iso`);
    case 'configMap':
      return file(`${PRIVATE}/config-map-disks/${v.name}.iso`);
    case 'secret':
      return file(`${PRIVATE}/secret-disks/${v.name}.iso`);
    case 'serviceAccount':
      return file(`${PRIVATE}/service-account-disk/service-account.iso`);
    case 'downwardAPI':
      return file(`${PRIVATE}/downwardapi-disks/${v.name}.iso`);
    case 'sysprep':
      return file(`${PRIVATE}/sysprep-disks/${v.name}.iso`);
    case 'downwardMetrics':
      return file(`${PRIVATE}/downwardmetrics-disk/vhostmd0`);
    case 'memoryDump':
    case undefined:
      throw new StatusError(422, 'Invalid', `spec.volumes[${index}]: volume "${v.name}" of kind ${kind ?? '(none)'} cannot back a disk`);
  }
}

/** The disk source of volume `v`: the launcher's resolution, else the default for its kind. */
export function diskSourceFor(vmi: VirtualMachineInstance, v: Volume, index: number, resolved: Readonly<Record<string, DiskSource>> | undefined): DiskSource {
  return resolved?.[v.name] ?? defaultDiskSource(vmi, v, index);
}

/** Volumes whose disk the guest must not write (downward metrics). */
export const isReadOnlyVolume = (v: Volume): boolean => v.downwardMetrics !== undefined || v.persistentVolumeClaim?.readOnly === true;
