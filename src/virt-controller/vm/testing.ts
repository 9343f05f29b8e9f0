/** Fixture builders for VM controller tests. */
import type { VirtualMachine, VirtualMachineInstance, VirtualMachineInstancePhase, VirtualMachineStatus } from '../../api/kubevirt/index.js';

export type VMMod = (vm: VirtualMachine) => void;
export type VMIMod = (vmi: VirtualMachineInstance) => void;

/** A VM named `name` in `default`, uid `vm-uid`, changed by `mods`. */
export function newVM(name: string, ...mods: VMMod[]): VirtualMachine {
  const vm: VirtualMachine = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: 'default', uid: 'vm-uid' },
    spec: { template: { metadata: { labels: { app: name } }, spec: { domain: { devices: {} } } } },
  };
  for (const m of mods) m(vm);
  return vm;
}
export const strategy = (s: VirtualMachine['spec']['runStrategy']): VMMod => (vm) => {
  vm.spec.runStrategy = s;
};
export const running = (r: boolean): VMMod => (vm) => {
  vm.spec.running = r;
};
export const status = (s: VirtualMachineStatus): VMMod => (vm) => {
  vm.status = { ...(vm.status ?? {}), ...s };
};
export const vmDeleting: VMMod = (vm) => {
  vm.metadata = { ...vm.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
};

/** A VMI of the VM `name`, uid `vmi-uid`, in `phase`. */
export function newVMIOf(name: string, phase: VirtualMachineInstancePhase | undefined, ...mods: VMIMod[]): VirtualMachineInstance {
  const vmi: VirtualMachineInstance = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace: 'default', uid: 'vmi-uid' },
    spec: { domain: { devices: {} } },
    ...(phase !== undefined ? { status: { phase } } : {}),
  };
  for (const m of mods) m(vmi);
  return vmi;
}
export const ranOnce: VMIMod = (vmi) => {
  vmi.status = { ...(vmi.status ?? {}), phaseTransitionTimestamps: [{ phase: 'Running', phaseTransitionTimestamp: '2026-01-01T00:00:00Z' }] };
};
export const vmiDeleting: VMIMod = (vmi) => {
  vmi.metadata = { ...vmi.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
};
export const condition = (type: string, st: 'True' | 'False', reason?: string): VMIMod => (vmi) => {
  const conditions = [...(vmi.status?.conditions ?? []), { type, status: st, ...(reason ? { reason } : {}) }] as NonNullable<VirtualMachineInstance['status']>['conditions'];
  vmi.status = { ...(vmi.status ?? {}), conditions };
};
