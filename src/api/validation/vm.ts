/**
 * VirtualMachine rules (upstream ValidateVirtualMachineSpec): a template validated as a VMI spec
 * at `spec.template.spec`, data volume templates named and used, running xor a valid runStrategy,
 * and the CPU/memory hotplug limits of the LiveUpdate rollout strategy.
 */
import { FieldPath, type FieldError } from '../meta/index.js';
import type { VirtualMachine } from '../kubevirt/vm.js';
import type { DomainSpec } from '../kubevirt/vmi-spec.js';
import { compareQuantities, quantityValue } from '../kubevirt/quantity.js';
import { gateOn, invalidCause, requiredCause, type ValidationConfig } from './cause.js';
import { validateVMIMetadata, validateVMISpec, type Requester } from './vmi.js';

/** Run strategies a user may set. */
export const VALID_RUN_STRATEGIES: readonly string[] = ['Halted', 'Manual', 'Always', 'RerunOnFailure', 'Once'];
/** Memory hotplug granularity (upstream converter.MemoryHotplugBlockAlignmentBytes). */
const HOTPLUG_ALIGNMENT = 2 * 1024 * 1024;

function validateDataVolumeTemplates(field: FieldPath, vm: VirtualMachine): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = vm.spec.template?.spec?.volumes ?? [];
  (vm.spec.dataVolumeTemplates ?? []).forEach((dvt, i) => {
    const f = field.child('dataVolumeTemplate').index(i);
    const name = dvt.metadata?.name ?? '';
    if (!name) errs.push(requiredCause(f.child('name'), `'name' field must not be empty for DataVolumeTemplate entry ${String(f)}.`));
    const used = volumes.some((v) => v.persistentVolumeClaim?.claimName === name || v.dataVolume?.name === name);
    if (!used) errs.push(requiredCause(f, `DataVolumeTemplate entry ${String(f)} must be referenced in the VMI template's 'volumes' list`));
  });
  return errs;
}

function validateRunStrategy(field: FieldPath, vm: VirtualMachine): FieldError[] {
  const errs: FieldError[] = [];
  const { running, runStrategy } = vm.spec;
  if (running !== undefined && running !== null && runStrategy !== undefined) errs.push(invalidCause(field.child('running'), 'Running and RunStrategy are mutually exclusive'));
  if ((running === undefined || running === null) && runStrategy === undefined) errs.push(invalidCause(field.child('running'), 'One of Running or RunStrategy must be specified'));
  if (runStrategy !== undefined && !VALID_RUN_STRATEGIES.includes(runStrategy)) errs.push(invalidCause(field.child('runStrategy'), `Invalid RunStrategy (${runStrategy})`));
  return errs;
}

function validateMemoryHotplug(t: FieldPath, domain: DomainSpec, arch: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const cpu = domain.cpu;
  if (cpu?.realtime) errs.push(invalidCause(t.child('domain', 'cpu', 'realtime'), 'Memory hotplug is not compatible with realtime VMs'));
  if (cpu?.numa?.guestMappingPassthrough) errs.push(invalidCause(t.child('domain', 'cpu', 'numa', 'guestMappingPassthrough'), 'Memory hotplug is not compatible with guest mapping passthrough'));
  if (domain.launchSecurity) errs.push(invalidCause(t.child('domain', 'launchSecurity'), 'Memory hotplug is not compatible with encrypted VMs'));
  if (cpu?.dedicatedCpuPlacement) errs.push(invalidCause(t.child('domain', 'cpu', 'dedicatedCpuPlacement'), 'Memory hotplug is not compatible with dedicated CPUs'));
  const guest = domain.memory?.guest;
  const maxGuest = domain.memory?.maxGuest ?? 0;
  const gf = t.child('domain', 'memory', 'guest');
  if (guest === undefined) errs.push(invalidCause(gf, 'Guest memory must be configured when memory hotplug is enabled'));
  else if (compareQuantities(guest, maxGuest) > 0) errs.push(invalidCause(gf, 'Guest memory is greater than the configured maxGuest memory'));
  else if (quantityValue(guest) % HOTPLUG_ALIGNMENT !== 0) errs.push(invalidCause(gf, 'Guest memory must be 2Mi aligned'));
  if (quantityValue(maxGuest) % HOTPLUG_ALIGNMENT !== 0) errs.push(invalidCause(t.child('domain', 'memory', 'maxGuest'), 'MaxGuest must be 2Mi aligned'));
  if (arch !== 'amd64') errs.push(invalidCause(t.child('architecture'), 'Memory hotplug is only available for x86_64 VMs'));
  return errs;
}

function validateLiveUpdate(field: FieldPath, vm: VirtualMachine, config: ValidationConfig): FieldError[] {
  if (config.vmRolloutStrategy !== 'LiveUpdate') return [];
  const errs: FieldError[] = [];
  const t = field.child('template', 'spec');
  const tspec = vm.spec.template.spec!;
  const cpu = tspec.domain.cpu;
  if (cpu?.sockets && cpu.maxSockets && cpu.sockets > cpu.maxSockets) {
    errs.push(invalidCause(t.child('domain', 'cpu', 'sockets'), 'Number of sockets in CPU topology is greater than the maximum sockets allowed'));
  }
  if (tspec.domain.memory?.maxGuest !== undefined) errs.push(...validateMemoryHotplug(t, tspec.domain, tspec.architecture));
  const strategy = vm.spec.updateVolumesStrategy;
  if (strategy !== undefined && !gateOn(config, 'VolumesUpdateStrategy')) errs.push(invalidCause('updateVolumesStrategy', 'VolumesUpdateStrategy feature gate is not enabled in kubevirt-config'));
  if (strategy === 'Migration' && !gateOn(config, 'VolumeMigration')) errs.push(invalidCause('updateVolumesStrategy', 'VolumeMigration feature gate is not enabled in kubevirt-config'));
  return errs;
}

/** A VirtualMachine on create or update (after defaulting). Empty when valid. */
export function validateVM(vm: VirtualMachine, config: ValidationConfig, requester?: Requester): FieldError[] {
  const field = FieldPath.root('spec');
  const template = vm.spec?.template;
  if (!template?.spec) return [requiredCause(field.child('template'), 'missing virtual machine template.')];
  return [
    ...validateVMIMetadata(field.child('template', 'metadata'), template.metadata, config, requester),
    ...validateVMISpec(template.spec, field.child('template', 'spec'), config),
    ...validateDataVolumeTemplates(field, vm),
    ...validateRunStrategy(field, vm),
    ...validateLiveUpdate(field, vm, config),
  ];
}
