/**
 * Device rules other than disks and interfaces (upstream vmi-create-admitter): input devices, IO
 * thread policy, ramfb displays, feature-gated devices (host devices, VSOCK, downward metrics,
 * persistent reservation, virtiofs, video, panic devices), sound, and SEV launch security.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { gateOn, invalidCause, type ValidationConfig } from './cause.js';
import { efiEnabled, secureBootEnabled } from './firmware.js';

type Spec = VirtualMachineInstanceSpec;
const gateMessage = (gate: string) => `${gate} feature gate is not enabled in kubevirt-config`;

/** Inputs: virtio or usb bus, tablet type. IO threads: a known policy, a pool size for supplementalPool. */
export function validateInputsAndIOThreads(field: FieldPath, spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  (spec.domain?.devices?.inputs ?? []).forEach((input, i) => {
    const f = field.child('domain', 'devices', 'inputs').index(i);
    const bus = (input.bus as string | undefined) ?? '';
    if (bus !== '' && bus !== 'virtio' && bus !== 'usb') errs.push(invalidCause(f.child('bus'), 'Input device can have only virtio or usb bus.'));
    if ((input.type as string) !== 'tablet') errs.push(invalidCause(f.child('type'), 'Input device can have only tablet type.'));
  });
  const policy = spec.domain?.ioThreadsPolicy as string | undefined;
  if (policy !== undefined) {
    if (!['shared', 'auto', 'supplementalPool'].includes(policy)) errs.push(invalidCause(field.child('domain', 'ioThreadsPolicy'), `Invalid IOThreadsPolicy (${policy})`));
    const count = spec.domain.ioThreads?.supplementalPoolThreadCount;
    if (policy === 'supplementalPool' && (count === undefined || count < 1)) {
      errs.push(invalidCause(field.child('domain', 'ioThreads', 'count'), 'the number of iothreads needs to be set and positive for the dedicated policy'));
    }
  }
  return errs;
}

function ramfbDisplays(spec: Spec): number {
  return (spec.domain?.devices?.gpus ?? []).filter((g) => {
    const d = g.virtualGPUOptions?.display;
    return d && d.enabled !== false && (!d.ramFB || d.ramFB.enabled === true);
  }).length;
}

/** Devices that need a feature gate, plus sound and ramfb rules. */
export function validateGatedDevices(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  const devices = spec.domain?.devices ?? {};
  if (ramfbDisplays(spec) > 1) errs.push(invalidCause(field.child('GPUs'), 'configuring multiple displays with ramfb is not valid '));
  if (devices.hostDevices && !gateOn(config, 'HostDevices')) errs.push(invalidCause(field.child('HostDevices'), 'Host Devices feature gate is not enabled in kubevirt-config'));
  if (devices.sound) {
    const model = (devices.sound.model as string | undefined) ?? '';
    if (model !== '' && model !== 'ich9' && model !== 'ac97') errs.push(invalidCause(field.child('Sound'), "Sound device type is not supported. Options: 'ich9' or 'ac97'"));
    if (!devices.sound.name) errs.push(invalidCause(field.child('Sound'), 'Sound device requires a name field.'));
  }
  if (devices.autoattachVSOCK && !gateOn(config, 'VSOCK')) errs.push(invalidCause(field.child('domain', 'devices', 'autoattachVSOCK'), gateMessage('VSOCK')));
  if ((devices.disks ?? []).some((d) => d.lun?.reservation) && !gateOn(config, 'PersistentReservation')) {
    errs.push(invalidCause(field.child('domain', 'devices', 'disks', 'luns', 'reservation'), gateMessage('PersistentReservation')));
  }
  if (devices.downwardMetrics && !gateOn(config, 'DownwardMetrics')) {
    errs.push(invalidCause(field.child('domain', 'devices', 'downwardMetrics'), 'downwardMetrics virtio serial is not allowed: DownwardMetrics feature gate is not enabled'));
  }
  errs.push(...validateVirtiofs(field, spec, config));
  if (devices.video) {
    if (!gateOn(config, 'VideoConfig')) errs.push(invalidCause(field.child('video'), 'Video configuration is specified but the VideoConfig feature gate is not enabled'));
    else if (devices.autoattachGraphicsDevice === false) errs.push(invalidCause(field.child('video'), 'Video configuration is not allowed when autoattachGraphicsDevice is set to false'));
  }
  errs.push(...validatePanicDevices(field, spec, config));
  return errs;
}

function validateVirtiofs(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v] as const));
  const legacy = gateOn(config, 'ExperimentalVirtiofsSupport');
  const f = field.child('domain', 'devices', 'filesystems');
  for (const fs of spec.domain?.devices?.filesystems ?? []) {
    const v = volumes.get(fs.name);
    if (!v) continue;
    const isConfig = !!(v.configMap || v.secret || v.serviceAccount || v.downwardAPI);
    const isStorage = !!(v.persistentVolumeClaim || v.dataVolume);
    if (isConfig && !legacy && !gateOn(config, 'EnableVirtioFsConfigVolumes')) errs.push(invalidCause(f, 'virtiofs is not allowed: virtiofs feature gate is not enabled for config volumes'));
    else if (isStorage && !legacy && !gateOn(config, 'EnableVirtioFsStorageVolumes')) errs.push(invalidCause(f, 'virtiofs is not allowed: virtiofs feature gate is not enabled for PVC'));
  }
  return errs;
}

function validatePanicDevices(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const panics = spec.domain?.devices?.panicDevices ?? [];
  if (panics.length === 0) return [];
  const f = field.child('domain', 'devices', 'panicDevices');
  if (!gateOn(config, 'PanicDevices')) return [invalidCause(f, 'Panic Devices feature gate is not enabled in kubevirt-config')];
  const errs: FieldError[] = [];
  const arch = spec.architecture || config.defaultArchitecture;
  if (arch === 's390x') errs.push(invalidCause(f, `custom panic devices are not supported on ${arch} architecture`));
  panics.forEach((p, i) => {
    const model = p.model as string | undefined;
    if (model !== undefined && !['hyperv', 'isa', 'pvpanic'].includes(model)) errs.push(invalidCause(f.index(i).child('model'), `invalid PanicDeviceModel(${model})`));
  });
  return errs;
}

/** launchSecurity: SEV behind its gate, with EFI and without SecureBoot; attestation needs a paused start. */
export function validateLaunchSecurity(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const ls = spec.domain?.launchSecurity;
  if (!ls) return [];
  const f = field.child('launchSecurity');
  const errs: FieldError[] = [];
  if (spec.architecture === 's390x' && !gateOn(config, 'SecureExecution')) errs.push(invalidCause(f, gateMessage('SecureExecution')));
  if (!ls.sev) return errs;
  if (!gateOn(config, 'WorkloadEncryptionSEV')) return [...errs, invalidCause(f, gateMessage('WorkloadEncryptionSEV'))];
  const fw = spec.domain.firmware;
  if (!efiEnabled(fw)) errs.push(invalidCause(f, 'SEV requires OVMF (UEFI)'));
  else if (secureBootEnabled(fw)) errs.push(invalidCause(f, 'SEV does not work along with SecureBoot'));
  if (ls.sev.attestation && spec.startStrategy !== 'Paused') errs.push(invalidCause(f, "SEV attestation requires VMI StartStrategy 'Paused'"));
  for (const iface of spec.domain.devices?.interfaces ?? []) {
    if (iface.bootOrder !== undefined) errs.push(invalidCause(f, `SEV does not work with bootable NICs: ${iface.name}`));
  }
  return errs;
}
