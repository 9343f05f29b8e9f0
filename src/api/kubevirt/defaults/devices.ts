/**
 * Device and feature defaults of a VMI spec, as upstream's pkg/defaults and api/core/v1 defaults.go:
 * a disk for every volume, disk targets and buses per architecture, cdrom read-only/tray, input bus
 * and type, watchdog model and action, containerDisk pull policy, the default pod network and
 * interface, hypervisor features and timers, probe thresholds. Each mutates the given spec.
 */
import { StatusError } from '../../meta/index.js';
import type { VirtualMachineInstanceSpec } from '../vmi-spec.js';
import type { DiskBus } from '../disks.js';
import type { FeatureState } from '../domain.js';
import type { Probe } from '../vmi-spec.js';
import { DEFAULT_CPU_MODEL } from '../constants.js';
import type { ClusterConfig } from './cluster-config.js';

type Spec = VirtualMachineInstanceSpec;

/** Adds `{name}` disks for volumes that no disk or filesystem uses. */
export function setDefaultVolumeDisks(spec: Spec): void {
  const devices = spec.domain.devices;
  const used = new Set([...(devices.disks ?? []).map((d) => d.name), ...(devices.filesystems ?? []).map((f) => f.name)]);
  for (const v of spec.volumes ?? []) {
    if (!used.has(v.name)) {
      (devices.disks ??= []).push({ name: v.name });
      used.add(v.name);
    }
  }
}

/** A disk with no target becomes `disk: {}`; cdroms are read-only with a closed tray. */
export function setDiskDeviceDefaults(spec: Spec): void {
  for (const d of spec.domain.devices.disks ?? []) {
    if (!d.disk && !d.cdrom && !d.lun) d.disk = {};
    if (d.cdrom) {
      d.cdrom.readonly ??= true;
      if (!d.cdrom.tray) d.cdrom.tray = 'closed';
    }
  }
}

/** Default bus for disks, cdroms and LUNs without one: sata on amd64, virtio on arm64 and s390x (upstream pkg/defaults/arch). */
export function defaultDiskBusFor(architecture: string | undefined): DiskBus {
  return architecture === 'arm64' || architecture === 's390x' ? 'virtio' : 'sata';
}

export function setDefaultDisksBus(spec: Spec): void {
  const bus = defaultDiskBusFor(spec.architecture);
  for (const d of spec.domain.devices.disks ?? []) {
    for (const target of [d.disk, d.cdrom, d.lun]) if (target && !target.bus) target.bus = bus;
  }
}

/** Inputs default to a USB tablet. */
export function setInputDefaults(spec: Spec): void {
  for (const input of spec.domain.devices.inputs ?? []) {
    if (!input.bus) input.bus = 'usb';
    if (!input.type) input.type = 'tablet';
  }
}

/** A watchdog without a model gets i6300esb (diag288 on s390x); the action defaults to reset. */
export function setWatchdogDefaults(spec: Spec): void {
  const w = spec.domain.devices.watchdog;
  if (!w) return;
  if (spec.architecture === 's390x') {
    w.diag288 ??= {};
    if (!w.diag288.action) w.diag288.action = 'reset';
  } else if (!w.diag288) {
    w.i6300esb ??= {};
    if (!w.i6300esb.action) w.i6300esb.action = 'reset';
  }
  if (w.diag288 && !w.diag288.action) w.diag288.action = 'reset';
}

/** containerDisk pull policy: Always for `:latest` or untagged images, else IfNotPresent. */
export function pullPolicyForImage(image: string): 'Always' | 'IfNotPresent' {
  return image.endsWith(':latest') || !/[:@]/.test(image) ? 'Always' : 'IfNotPresent';
}

export function setDefaultPullPolicies(spec: Spec): void {
  for (const v of spec.volumes ?? []) {
    if (v.containerDisk && !v.containerDisk.imagePullPolicy) v.containerDisk.imagePullPolicy = pullPolicyForImage(v.containerDisk.image ?? '');
  }
}

/**
 * When no networks and no interfaces are given (and autoattachPodInterface is not false): interface
 * `default` bound as the cluster's defaultNetworkInterface says, on network `{name: default, pod: {}}`.
 */
export function setDefaultNetworkInterface(config: ClusterConfig, spec: Spec): void {
  const devices = spec.domain.devices;
  if (devices.autoattachPodInterface === false) return;
  if ((spec.networks?.length ?? 0) > 0 || (devices.interfaces?.length ?? 0) > 0) return;
  switch (config.defaultNetworkInterface) {
    case 'bridge':
      if (!config.permitBridgeInterfaceOnPodNetwork) throw new StatusError(400, 'BadRequest', 'bridge interface is not enabled in kubevirt-config');
      devices.interfaces = [{ name: 'default', bridge: {} }];
      break;
    case 'masquerade':
      devices.interfaces = [{ name: 'default', masquerade: {} }];
      break;
    case 'slirp':
      throw new StatusError(400, 'BadRequest', 'slirp interface is deprecated as of v1.3');
    default:
      break;
  }
  spec.networks = [{ name: 'default', pod: {} }];
}

/** Interfaces without a model get virtio (what the domain converter would pick anyway). */
export function setInterfaceModels(spec: Spec): void {
  for (const iface of spec.domain.devices.interfaces ?? []) if (!iface.model) iface.model = 'virtio';
}

/** CPU model: the cluster's cpuModel, else host-model (host-passthrough on arm64). */
export function setDefaultCPUModel(config: ClusterConfig, spec: Spec): void {
  const cpu = (spec.domain.cpu ??= {});
  if (cpu.model) return;
  if (spec.architecture === 'arm64') cpu.model = 'host-passthrough';
  else cpu.model = config.cpuModel || DEFAULT_CPU_MODEL;
}

/** arm64 boots EFI without SecureBoot unless a bootloader is given. */
export function setArchBootloader(spec: Spec): void {
  if (spec.architecture !== 'arm64' || spec.domain.firmware?.bootloader) return;
  const firmware = (spec.domain.firmware ??= {});
  firmware.bootloader = { efi: { secureBoot: false } };
}

const enable = (fs: FeatureState | undefined): void => {
  if (fs && fs.enabled === undefined) fs.enabled = true;
};

/** FeatureState defaults: every feature present is enabled unless it says otherwise; ACPI always present. */
export function setFeatureDefaults(spec: Spec): void {
  const features = (spec.domain.features ??= {});
  features.acpi ??= {};
  if (spec.architecture === 's390x' && features.acpi.enabled === undefined) features.acpi.enabled = false;
  enable(features.acpi);
  enable(features.apic);
  enable(features.smm);
  enable(features.pvspinlock);
  const hv = features.hyperv;
  if (hv) {
    for (const k of ['relaxed', 'vapic', 'vpindex', 'runtime', 'synic', 'reset', 'frequencies', 'reenlightenment', 'ipi', 'evmcs'] as const) enable(hv[k]);
    if (hv.spinlocks) {
      enable(hv.spinlocks);
      if (hv.spinlocks.enabled && hv.spinlocks.spinlocks === undefined) hv.spinlocks.spinlocks = 4096;
    }
    if (hv.synictimer) {
      enable(hv.synictimer);
      enable(hv.synictimer.direct);
    }
    enable(hv.vendorid);
    if (hv.tlbflush) {
      enable(hv.tlbflush);
      enable(hv.tlbflush.direct);
      enable(hv.tlbflush.extended);
    }
  }
  const timer = spec.domain.clock?.timer;
  if (timer) for (const t of [timer.hpet, timer.kvm, timer.pit, timer.rtc, timer.hyperv]) if (t && t.present === undefined) t.present = true;
}

type HvKey = 'vpindex' | 'synic' | 'vapic' | 'evmcs' | 'ipi' | 'tlbflush' | 'synictimer';

/**
 * Hyper-V dependencies (synic needs vpindex, synictimer needs synic, ipi and tlbflush need vpindex,
 * evmcs needs vapic): an enabled feature switches on a dependency the user left unset. One the user
 * disabled is left for validation to reject. EVMCS also requires the vmx CPU feature.
 */
export function setHypervDependencies(spec: Spec): void {
  const hv = spec.domain.features?.hyperv;
  if (!hv) return;
  const on = (k: HvKey) => hv[k]?.enabled === true;
  const deps: readonly [HvKey, HvKey][] = [
    ['evmcs', 'vapic'],
    ['ipi', 'vpindex'],
    ['tlbflush', 'vpindex'],
    ['synictimer', 'synic'],
    ['synic', 'vpindex'],
  ];
  for (const [feature, requires] of deps) {
    if (!on(feature)) continue;
    const dep = hv[requires];
    if (dep === undefined) hv[requires] = { enabled: true };
    else if (dep.enabled === undefined) dep.enabled = true;
    else if (!dep.enabled) return; // upstream stops at the first conflict; validation reports it
  }
  if (hv.evmcs && hv.evmcs.enabled !== false) {
    const cpu = (spec.domain.cpu ??= {});
    const features = (cpu.features ??= []);
    const vmx = features.find((f) => f.name === 'vmx');
    if (vmx) vmx.policy = 'require';
    else features.push({ name: 'vmx', policy: 'require' });
  }
}

/** Probe thresholds: timeout 1, period 10, success 1, failure 3 when unset or below 1. */
export function setProbeDefaults(probe: Probe | undefined): void {
  if (!probe) return;
  if (!(probe.timeoutSeconds! >= 1)) probe.timeoutSeconds = 1;
  if (!(probe.periodSeconds! >= 1)) probe.periodSeconds = 10;
  if (!(probe.successThreshold! >= 1)) probe.successThreshold = 1;
  if (!(probe.failureThreshold! >= 1)) probe.failureThreshold = 3;
}
