/**
 * The VMI entry points: validateVMISpec (the rules shared by VMIs and the templates of VMs and
 * replica sets), validateVMI (create: spec, VMI-only rules and metadata) and validateVMIUpdate.
 * Pure: the cluster configuration and the requesting user come in as arguments.
 */
import { FieldPath, jsonDeepEqual, type FieldError, type ObjectMeta } from '../meta/index.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { IGNITION_ANNOTATION } from '../kubevirt/constants.js';
import { cause, gateOn, invalidCause, notSupportedCause, requiredCause, type ValidationConfig } from './cause.js';
import { validateDisks, validateDiskVolumesAndBootOrder } from './disks.js';
import { validateContainerDiskPaths, validateVolumes, validateVolumesUsed } from './volumes.js';
import { validateCompute, validateMemoryPresent } from './resources.js';
import { validateFirmware, validateFirmwareACPI, validateFirmwareSerial, validateMachineType } from './firmware.js';
import { validateNetworks } from './networks.js';
import { validateProbes, validateStartStrategy } from './probes.js';
import { validateDNS, validateHostnames } from './dns.js';
import { validateAccessCredentials } from './access-credentials.js';
import { validateGatedDevices, validateInputsAndIOThreads, validateLaunchSecurity } from './devices.js';
import { validateAffinity } from './affinity.js';

/** Labels only KubeVirt's own components may set on a VMI. */
export const RESTRICTED_VMI_LABELS: readonly string[] = [
  'kubevirt.io/created-by',
  'kubevirt.io/migrationJobUID',
  'kubevirt.io/nodeName',
  'kubevirt.io/migrationTargetNodeName',
  'kubevirt.io/schedulable',
  'kubevirt.io/install-strategy',
];
const SIDECAR_ANNOTATION = 'hooks.kubevirt.io/hookSidecars';
const EVICTION_STRATEGIES = ['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External'];
const SUPPORTED_ARCHS = ['amd64', 'arm64', 's390x'];

/** The architecture this process runs on, in Go's GOARCH spelling (upstream compares with runtime.GOARCH). */
export const HOST_ARCH = ({ x64: 'amd64', arm64: 'arm64', s390x: 's390x', ppc64: 'ppc64le' } as Record<string, string>)[process.arch] ?? process.arch;

/** Who sends a request: kubevirt-ts's own service accounts may do what users may not. */
export interface Requester {
  readonly username?: string;
  /** Usernames of kubevirt-ts's components (`system:serviceaccount:<ns>:<name>`). */
  readonly kubevirtServiceAccounts?: readonly string[];
}
const isKubevirtComponent = (r: Requester | undefined): boolean => !!r?.username && (r.kubevirtServiceAccounts ?? []).includes(r.username);

function validateSchedulingAndArch(field: FieldPath, spec: VirtualMachineInstanceSpec, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  const eviction = (spec.evictionStrategy as string | undefined) ?? config.evictionStrategy;
  if (eviction !== undefined && !EVICTION_STRATEGIES.includes(eviction)) {
    const f = field.child('evictionStrategy');
    errs.push(invalidCause(f, `${String(f)} is set with an unrecognized option: ${eviction}`));
  }
  if (spec.architecture && spec.architecture !== HOST_ARCH && !gateOn(config, 'MultiArchitecture')) {
    const f = field.child('architecture');
    errs.push(requiredCause(f, `MultiArchitecture feature gate is not enabled in kubevirt-config, invalid entry ${String(f)}`));
  }
  return errs;
}

/**
 * Every rule of a VMI spec at `path` (`spec` for VMIs, `spec.template.spec` for VMs and replica
 * sets), as upstream's ValidateVirtualMachineInstanceSpec. Empty when valid.
 */
export function validateVMISpec(spec: VirtualMachineInstanceSpec, path: FieldPath, config: ValidationConfig): FieldError[] {
  return [
    ...validateHostnames(path, spec),
    ...validateCompute(path, spec, config),
    ...validateMachineType(path, spec, config),
    ...validateFirmwareSerial(path, spec),
    ...validateFirmwareACPI(path, spec),
    ...validateStartStrategy(path, spec),
    ...validateSchedulingAndArch(path, spec, config),
    ...validateAffinity(path.child('affinity'), spec.affinity),
    ...validateNetworks(path, spec, config),
    ...validateDiskVolumesAndBootOrder(path, spec, config),
    ...validateInputsAndIOThreads(path, spec),
    ...validateProbes(path, spec),
    ...validateDisks(path.child('domain', 'devices', 'disks'), spec.domain?.devices?.disks),
    ...validateFirmware(path.child('domain'), spec),
    ...validateVolumes(path.child('volumes'), spec.volumes, config),
    ...validateContainerDiskPaths(path, spec),
    ...validateAccessCredentials(path.child('accessCredentials'), spec.accessCredentials, spec.volumes),
    ...validateDNS(path, spec),
    ...validateGatedDevices(path, spec, config),
    ...validateLaunchSecurity(path, spec, config),
  ];
}

/** Metadata rules of a VMI or VM template: reserved labels, and annotations behind feature gates. */
export function validateVMIMetadata(path: FieldPath, meta: ObjectMeta | undefined, config: ValidationConfig, requester?: Requester): FieldError[] {
  const errs: FieldError[] = [];
  const labels = meta?.labels ?? {};
  const annotations = meta?.annotations ?? {};
  if (!isKubevirtComponent(requester) && Object.keys(labels).some((l) => RESTRICTED_VMI_LABELS.includes(l))) {
    errs.push(notSupportedCause(path.child('labels'), 'creation of the following reserved kubevirt.io/ labels on a VMI object is prohibited'));
  }
  if (annotations[IGNITION_ANNOTATION] && !gateOn(config, 'ExperimentalIgnitionSupport')) {
    errs.push(invalidCause(path.child('annotations'), `ExperimentalIgnitionSupport feature gate is not enabled in kubevirt-config, invalid entry ${String(path.child('annotations').child(IGNITION_ANNOTATION))}`));
  }
  if (annotations[SIDECAR_ANNOTATION] && !gateOn(config, 'Sidecar')) {
    errs.push(invalidCause(path.child('annotations'), `sidecar feature gate is not enabled in kubevirt-config, invalid entry ${String(path.child('annotations', SIDECAR_ANNOTATION))}`));
  }
  return errs;
}

/** A VMI on create, after defaulting: its spec, volumes used by disks, requested memory, metadata, architecture. */
export function validateVMI(vmi: VirtualMachineInstance, config: ValidationConfig, requester?: Requester): FieldError[] {
  const spec = FieldPath.root('spec');
  const errs = [
    ...validateVMISpec(vmi.spec, spec, config),
    ...validateVolumesUsed(spec, vmi.spec),
    ...validateMemoryPresent(spec, vmi.spec),
    ...validateVMIMetadata(FieldPath.root('metadata'), vmi.metadata, config, requester),
  ];
  const arch = vmi.spec.architecture ?? '';
  if (!SUPPORTED_ARCHS.includes(arch)) errs.push(invalidCause(spec.child('architecture'), `unsupported architecture: ${arch}`));
  return errs;
}

const restrictedLabels = (meta: ObjectMeta | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(meta?.labels ?? {}).filter(([k]) => RESTRICTED_VMI_LABELS.includes(k)));

/**
 * A VMI update: only kubevirt-ts's own service accounts may change the spec, the status or the
 * reserved kubevirt.io/ labels (upstream VMIUpdateAdmitter; status is ours to write).
 */
export function validateVMIUpdate(oldVMI: VirtualMachineInstance, newVMI: VirtualMachineInstance, requester?: Requester): FieldError[] {
  if (isKubevirtComponent(requester)) return [];
  if (!jsonDeepEqual(oldVMI.spec, newVMI.spec)) return [cause('FieldValueNotSupported', '', 'update of VMI object is restricted')];
  if (!jsonDeepEqual(oldVMI.status ?? {}, newVMI.status ?? {})) return [cause('FieldValueNotSupported', 'status', 'update of VMI status is restricted')];
  if (!jsonDeepEqual(restrictedLabels(oldVMI.metadata), restrictedLabels(newVMI.metadata))) {
    return [cause('FieldValueNotSupported', '', 'modification of kubevirt.io/ labels on a VMI object is restricted')];
  }
  return [];
}
