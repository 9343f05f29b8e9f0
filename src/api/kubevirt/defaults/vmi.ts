/**
 * defaultVMI: what virt-api's mutating webhook does to a VMI on create (presets, spec defaults in
 * upstream's order, node selectors for realtime/SEV, the foreground-delete finalizer, phase Pending).
 * Pure: returns a defaulted copy; applying it to its own output changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { copyJson } from '../../meta/json.js';
import type { VirtualMachineInstance } from '../vmi.js';
import type { VirtualMachineInstanceSpec } from '../vmi-spec.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, VMI_FINALIZER } from '../constants.js';
import type { VirtualMachineInstancePreset } from '../preset.js';
import { firmwareUUID } from '../firmware-uuid.js';
import { isFeatureGateEnabled, machineTypeFor, type ClusterConfig } from './cluster-config.js';
import { setDefaultGuestCPUTopology, setDefaultResourceRequests, setGuestMemory, setupHotplug } from './resources.js';
import {
  setArchBootloader,
  setDefaultCPUModel,
  setDefaultDisksBus,
  setDefaultNetworkInterface,
  setDefaultPullPolicies,
  setDefaultVolumeDisks,
  setDiskDeviceDefaults,
  setFeatureDefaults,
  setHypervDependencies,
  setInputDefaults,
  setInterfaceModels,
  setProbeDefaults,
  setWatchdogDefaults,
} from './devices.js';
import { applyPresets, PRESET_DEPRECATION_WARNING } from './presets.js';
import { applyNamespaceLimitRanges, type LimitRange } from './limit-ranges.js';

export interface DefaultVMIOptions {
  /** VirtualMachineInstancePresets to consider (those of other namespaces are ignored). */
  readonly presets?: readonly VirtualMachineInstancePreset[];
  /** LimitRanges of the VMI's namespace, whose Container defaults fill missing requests and limits. */
  readonly limitRanges?: readonly LimitRange[];
  /** RFC 3339 time recorded for the Pending phase transition. Defaults to now. */
  readonly now?: string;
  /** Firmware UUID source when the VMI has no name yet (generateName). Defaults to a random UUID. */
  readonly newUUID?: () => string;
}

export interface DefaultingResult<T> {
  readonly object: T;
  /** Admission warnings (e.g. the preset deprecation warning). */
  readonly warnings: string[];
}

/** Upstream's non-root launcher user, recorded in status.runtimeUser. */
export const NON_ROOT_UID = 107;

/** Spec defaults shared by VMIs and any VMI spec (upstream SetDefaultVirtualMachineInstanceSpec). Mutates `spec`. */
export function applySpecDefaults(config: ClusterConfig, spec: VirtualMachineInstanceSpec): void {
  if (!spec.architecture) spec.architecture = config.defaultArchitecture;
  const machine = (spec.domain.machine ??= {});
  if (!machine.type) machine.type = machineTypeFor(config, spec.architecture);
  setDefaultResourceRequests(config, spec);
  setGuestMemory(spec);
  setDefaultGuestCPUTopology(spec);
  setDefaultPullPolicies(spec);
  if (spec.evictionStrategy === undefined && config.evictionStrategy) spec.evictionStrategy = config.evictionStrategy;
  setDefaultNetworkInterface(config, spec);
  setDefaultVolumeDisks(spec);
}

/** Object defaults (api/core/v1 defaults.go) and the architecture defaults that follow them. Mutates `spec`. */
function applyObjectAndArchDefaults(config: ClusterConfig, spec: VirtualMachineInstanceSpec): void {
  spec.domain.firmware ??= {};
  setFeatureDefaults(spec);
  setDiskDeviceDefaults(spec);
  setInputDefaults(spec);
  setProbeDefaults(spec.readinessProbe);
  setProbeDefaults(spec.livenessProbe);
  setHypervDependencies(spec);
  if (spec.architecture !== 'arm64') setupHotplug(config, spec, true);
  setDefaultDisksBus(spec);
  setDefaultCPUModel(config, spec);
  setArchBootloader(spec);
  setWatchdogDefaults(spec);
  setInterfaceModels(spec);
  spec.terminationGracePeriodSeconds ??= DEFAULT_GRACE_PERIOD_SECONDS;
}

function addNodeSelector(spec: VirtualMachineInstanceSpec, label: string): void {
  (spec.nodeSelector ??= {})[label] ??= '';
}

/**
 * The VMI as virt-api's mutating webhook stores it on create. Throws StatusError for what upstream
 * rejects while defaulting (conflicting presets: 422; a disallowed default binding: 400).
 */
export function defaultVMI(vmi: VirtualMachineInstance, config: ClusterConfig, opts: DefaultVMIOptions = {}): DefaultingResult<VirtualMachineInstance> {
  const out = copyJson(vmi);
  out.spec ??= { domain: { devices: {} } };
  out.spec.domain ??= { devices: {} };
  out.spec.domain.devices ??= {};
  applyPresets(out, opts.presets ?? []);
  if (opts.limitRanges?.length) applyNamespaceLimitRanges(out, opts.limitRanges);
  const spec = out.spec;
  applySpecDefaults(config, spec);
  const firmware = (spec.domain.firmware ??= {});
  if (!firmware.uuid) firmware.uuid = out.metadata?.name ? firmwareUUID(out.metadata.name) : (opts.newUUID ?? randomUUID)();
  applyObjectAndArchDefaults(config, spec);

  const status = (out.status ??= {});
  const memory = spec.domain.memory;
  if (memory?.guest !== undefined && status.memory === undefined) {
    status.memory = { guestAtBoot: memory.guest, guestCurrent: memory.guest, guestRequested: memory.guest };
  }
  const cpu = spec.domain.cpu;
  if (cpu && status.currentCPUTopology === undefined) {
    status.currentCPUTopology = { sockets: cpu.sockets ?? 0, cores: cpu.cores ?? 0, threads: cpu.threads ?? 0 };
  }
  if (cpu?.realtime) addNodeSelector(spec, 'kubevirt.io/realtime');
  const sev = spec.domain.launchSecurity?.sev;
  if (sev) addNodeSelector(spec, 'kubevirt.io/sev');
  if (sev?.policy?.encryptedState) addNodeSelector(spec, 'kubevirt.io/sev-es');

  const meta = (out.metadata ??= {});
  const finalizers = (meta.finalizers ??= []);
  if (!finalizers.includes(VMI_FINALIZER)) finalizers.push(VMI_FINALIZER);
  if (!status.phase) {
    status.phase = 'Pending';
    (status.phaseTransitionTimestamps ??= []).push({ phase: 'Pending', phaseTransitionTimestamp: opts.now ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
  }
  if (!isFeatureGateEnabled(config, 'Root') && status.runtimeUser === undefined) status.runtimeUser = NON_ROOT_UID;

  const warnings = Object.keys(meta.annotations ?? {}).some((k) => k.includes('virtualmachinepreset')) ? [PRESET_DEPRECATION_WARNING] : [];
  return { object: out, warnings };
}
