/**
 * defaultVM: what virt-api's mutating webhook does to a VirtualMachine (upstream SetVirtualMachineDefaults):
 * instancetype/preference kinds, the template's architecture and machine type, and the stable
 * firmware UUID upstream's VM controller pins from the VM name. Pure; idempotent.
 */
import type { VirtualMachine } from '../vm.js';
import { firmwareUUID } from '../firmware-uuid.js';
import { machineTypeFor, type ClusterConfig } from './cluster-config.js';
import type { DefaultingResult } from './vmi.js';

export const DEFAULT_INSTANCETYPE_KIND = 'virtualmachineclusterinstancetype';
export const DEFAULT_PREFERENCE_KIND = 'virtualmachineclusterpreference';

/** The VM as the mutating webhook stores it. A VM without a template is left for validation to reject. */
export function defaultVM(vm: VirtualMachine, config: ClusterConfig): DefaultingResult<VirtualMachine> {
  const out = structuredClone(vm);
  const spec = out.spec;
  if (!spec) return { object: out, warnings: [] };
  if (spec.instancetype && !spec.instancetype.kind) spec.instancetype.kind = DEFAULT_INSTANCETYPE_KIND;
  if (spec.preference && !spec.preference.kind) spec.preference.kind = DEFAULT_PREFERENCE_KIND;
  const tspec = spec.template?.spec;
  if (!tspec?.domain) return { object: out, warnings: [] };
  if (!tspec.architecture) tspec.architecture = config.defaultArchitecture;
  const machine = (tspec.domain.machine ??= {});
  if (!machine.type) machine.type = machineTypeFor(config, tspec.architecture);
  const name = out.metadata?.name;
  if (name) {
    const firmware = (tspec.domain.firmware ??= {});
    if (!firmware.uuid) firmware.uuid = firmwareUUID(name);
  }
  return { object: out, warnings: [] };
}
