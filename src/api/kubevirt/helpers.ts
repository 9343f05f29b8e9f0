/** Small pure questions components ask of kubevirt.io objects (upstream's methods on the Go types). */
import { StatusError } from '../meta/index.js';
import type { VirtualMachine, VirtualMachineRunStrategy } from './vm.js';
import type { VirtualMachineInstance } from './vmi.js';
import type { VirtualMachineInstanceCondition, VirtualMachineInstanceConditionType } from './vmi-status.js';
import type { VirtualMachineInstanceMigration } from './migration.js';

/** The VM's run strategy: `running: true` is Always, false or unset Halted. Throws when both fields are set. */
export function runStrategyOf(vm: Pick<VirtualMachine, 'spec'>): VirtualMachineRunStrategy {
  const { running, runStrategy } = vm.spec;
  if (running !== undefined && runStrategy !== undefined) throw new StatusError(422, 'Invalid', 'running and runstrategy are mutually exclusive');
  if (running !== undefined) return running ? 'Always' : 'Halted';
  return runStrategy ?? 'Halted';
}

/** The VMI condition of `type`, if present. */
export function vmiCondition(vmi: Pick<VirtualMachineInstance, 'status'>, type: VirtualMachineInstanceConditionType): VirtualMachineInstanceCondition | undefined {
  return vmi.status?.conditions?.find((c) => c.type === type);
}

/** True when the VMI condition of `type` has status True. */
export const vmiConditionTrue = (vmi: Pick<VirtualMachineInstance, 'status'>, type: VirtualMachineInstanceConditionType): boolean =>
  vmiCondition(vmi, type)?.status === 'True';

/** Succeeded or Failed: the VMI will not run again. */
export const isVMIFinal = (vmi: Pick<VirtualMachineInstance, 'status'>): boolean => vmi.status?.phase === 'Succeeded' || vmi.status?.phase === 'Failed';

/** No phase yet, or Pending: virt-controller has not created the launcher pod. */
export const isVMIUnprocessed = (vmi: Pick<VirtualMachineInstance, 'status'>): boolean => !vmi.status?.phase || vmi.status.phase === 'Pending';

/** startStrategy Paused. */
export const shouldStartPaused = (vmi: Pick<VirtualMachineInstance, 'spec'>): boolean => vmi.spec.startStrategy === 'Paused';

/** Upstream's libvirt domain name of a VMI: `<namespace>_<name>`. */
export const domainName = (vmi: Pick<VirtualMachineInstance, 'metadata'>): string => `${vmi.metadata?.namespace ?? 'default'}_${vmi.metadata?.name ?? ''}`;

/** The migration has finished, one way or the other. */
export const isMigrationFinal = (m: Pick<VirtualMachineInstanceMigration, 'status'>): boolean => m.status?.phase === 'Succeeded' || m.status?.phase === 'Failed';
