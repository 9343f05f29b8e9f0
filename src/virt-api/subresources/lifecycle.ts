/**
 * VM start, stop and restart as upstream's virt-api decides them (pkg/virt-api/rest/lifecycle.go):
 * from the VM, its VMI and the request options to the patches to make, or a metav1 error. Pure:
 * run-strategy VMs get `spec.runStrategy`/`spec.running` flipped, the others a state change
 * request in `status.stateChangeRequests` for virt-controller, each guarded by a JSON Patch test.
 */
import type { VirtualMachine, VirtualMachineInstance, VirtualMachineRunStrategy } from '../../api/kubevirt/index.js';
import { isVMIFinal, runStrategyOf } from '../../api/kubevirt/index.js';
import { badRequest } from '../../api/meta/index.js';
import { VM_NOT_RUNNING, internal, vmConflict } from './errors.js';

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  readonly op: 'test' | 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

type ChangeRequest = { action: 'Start' | 'Stop'; uid?: string; data?: Record<string, string> };

/** What to write, in this order. */
export interface LifecyclePlan {
  /** JSON patch of the VMI (a shorter grace period before a stop). */
  readonly vmiPatch?: readonly JsonPatchOp[];
  /** JSON patch of the VM (run strategy / running). */
  readonly vmPatch?: readonly JsonPatchOp[];
  /** JSON patch of the VM's status subresource (state change requests). */
  readonly vmStatusPatch?: readonly JsonPatchOp[];
  /** Delete the VMI's running launcher pod with a 1 s grace period (forced restart). */
  readonly deleteLauncherPod?: boolean;
}

/** StartOptions. */
export interface StartOptions {
  readonly paused?: boolean;
  readonly dryRun?: readonly string[];
}
/** StopOptions. */
export interface StopOptions {
  readonly gracePeriod?: number;
  readonly dryRun?: readonly string[];
}
/** RestartOptions. */
export interface RestartOptions {
  readonly gracePeriodSeconds?: number;
  readonly dryRun?: readonly string[];
}

function strategy(vm: VirtualMachine): VirtualMachineRunStrategy {
  try {
    return runStrategyOf(vm);
  } catch (e) {
    throw internal(e);
  }
}

const isEmpty = (o: object | undefined): boolean => !o || Object.keys(o).length === 0;

/**
 * The JSON patch adding state change requests: the whole status when there is none, else a test of
 * the current requests and an add; a lone Stop replaces pending requests; anything else while
 * requests are pending fails ("stop/start already underway"). Clears a recorded start failure.
 */
export function changeRequestPatch(vm: VirtualMachine, changes: readonly ChangeRequest[]): JsonPatchOp[] {
  const status = vm.status;
  if (isEmpty(status)) return [{ op: 'add', path: '/status', value: { stateChangeRequests: changes } }];
  const current = status?.stateChangeRequests ?? [];
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/status/stateChangeRequests', value: status?.stateChangeRequests ?? null }];
  if (current.length === 0) ops.push({ op: 'add', path: '/status/stateChangeRequests', value: changes });
  else if (changes.length === 1 && changes[0]?.action === 'Stop') ops.push({ op: 'replace', path: '/status/stateChangeRequests', value: changes });
  else throw internal(new Error('unable to complete request: stop/start already underway'));
  if (status?.startFailure !== undefined) ops.push({ op: 'remove', path: '/status/startFailure' });
  return ops;
}

/** The JSON patch switching the VM on (Always / running true) or off (Halted / running false). */
export function runningPatch(vm: VirtualMachine, running: boolean): JsonPatchOp[] {
  if (vm.spec.runStrategy !== undefined) {
    return [
      { op: 'test', path: '/spec/runStrategy', value: vm.spec.runStrategy },
      { op: 'replace', path: '/spec/runStrategy', value: running ? 'Always' : 'Halted' },
    ];
  }
  return [
    { op: 'test', path: '/spec/running', value: vm.spec.running ?? null },
    { op: vm.spec.running === undefined ? 'add' : 'replace', path: '/spec/running', value: running },
  ];
}

const uidOf = (vmi: VirtualMachineInstance): string | undefined => vmi.metadata?.uid;
const name = (vm: VirtualMachine): string => vm.metadata?.name ?? '';

/** `start`: 409 when a VMI is active; otherwise the patch for the VM's run strategy. */
export function planStart(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, opts: StartOptions): LifecyclePlan {
  const phase = vmi?.status?.phase;
  if (vmi && !isVMIFinal(vmi) && phase !== 'Unknown' && phase !== undefined && phase !== '') throw vmConflict(name(vm), 'VM is already running');
  if (vm.status?.conditions?.some((c) => c.type === 'ManualRecoveryRequired' && c.status === 'True')) {
    throw vmConflict(name(vm), 'VM recovery required: Volume migration failed, and the VM configuration may need to be manually restored');
  }
  const data = opts.paused ? { paused: 'true' } : undefined;
  const start: ChangeRequest = data ? { action: 'Start', data } : { action: 'Start' };
  const rs = strategy(vm);
  switch (rs) {
    case 'Halted':
      if (opts.paused && vm.spec.template?.spec?.startStrategy !== 'Paused') return { vmStatusPatch: changeRequestPatch(vm, [start]) };
      return { vmPatch: runningPatch(vm, true) };
    case 'RerunOnFailure':
    case 'Manual': {
      if (rs === 'RerunOnFailure' && phase === 'Failed') throw vmConflict(name(vm), 'RerunOnFailure does not support starting VM from failed state');
      const restart = vmi !== undefined && (rs === 'Manual' ? isVMIFinal(vmi) : phase === 'Succeeded');
      const changes: ChangeRequest[] = restart ? [{ action: 'Stop', uid: uidOf(vmi) }, start] : [start];
      return { vmStatusPatch: changeRequestPatch(vm, changes) };
    }
    case 'Always':
    case 'Once':
    case 'WaitAsReceiver':
      throw vmConflict(name(vm), `${rs} does not support manual start requests`);
  }
}

/** `stop`: a shorter grace period first, then a run-strategy flip or a Stop request. */
export function planStop(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, opts: StopOptions): LifecyclePlan {
  const rs = strategy(vm);
  const active = vmi !== undefined && !isVMIFinal(vmi);
  const oldGrace = vmi?.spec.terminationGracePeriodSeconds;
  const vmiPatch: JsonPatchOp[] | undefined =
    active && opts.gracePeriod !== undefined
      ? [
          { op: 'test', path: '/spec/terminationGracePeriodSeconds', value: oldGrace ?? null },
          { op: oldGrace === undefined ? 'add' : 'replace', path: '/spec/terminationGracePeriodSeconds', value: opts.gracePeriod },
        ]
      : undefined;
  const withGrace = (p: LifecyclePlan): LifecyclePlan => (vmiPatch ? { vmiPatch, ...p } : p);
  switch (rs) {
    case 'Halted':
      if (!active) throw vmConflict(name(vm), VM_NOT_RUNNING);
      if (opts.gracePeriod === undefined || (oldGrace !== undefined && opts.gracePeriod >= oldGrace)) {
        throw vmConflict(name(vm), 'Halted only supports manual stop requests with a shorter graceperiod');
      }
      return withGrace({ vmStatusPatch: changeRequestPatch(vm, [{ action: 'Stop', uid: uidOf(vmi) }]) });
    case 'RerunOnFailure':
    case 'Manual':
      if (!active) throw vmConflict(name(vm), VM_NOT_RUNNING);
      return withGrace({ vmStatusPatch: changeRequestPatch(vm, [{ action: 'Stop', uid: uidOf(vmi) }]) });
    case 'Always':
    case 'Once':
    case 'WaitAsReceiver':
      return withGrace({ vmPatch: runningPatch(vm, false) });
  }
}

/** Validates RestartOptions before anything is read (400s as upstream). */
export function checkRestartOptions(opts: RestartOptions): void {
  const g = opts.gracePeriodSeconds;
  if (g !== undefined && g > 0) throw badRequest('For force restart, only gracePeriod=0 is supported for now');
  if (g !== undefined && g < 0) throw badRequest('gracePeriod has to be greater or equal to 0');
}

/** `restart`: Stop the current VMI and Start a new one; gracePeriodSeconds 0 also deletes the launcher pod. */
export function planRestart(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, opts: RestartOptions): LifecyclePlan {
  checkRestartOptions(opts);
  if (vm.status?.conditions?.some((c) => c.type === 'VolumesChange' && c.status === 'True')) {
    throw vmConflict(name(vm), 'VM recovery required: Volume migration failed, and the VM configuration may need to be manually restored');
  }
  const rs = strategy(vm);
  if (rs === 'Halted' || rs === 'Once') throw vmConflict(name(vm), `RunStategy ${rs} does not support manual restart requests`);
  if (!vmi) throw vmConflict(name(vm), 'VM is not running: Halted');
  const vmStatusPatch = changeRequestPatch(vm, [{ action: 'Stop', uid: uidOf(vmi) }, { action: 'Start' }]);
  return opts.gracePeriodSeconds === 0 ? { vmStatusPatch, deleteLauncherPod: true } : { vmStatusPatch };
}

/** True when the options ask for a dry run (`dryRun: ["All"]`). */
export const isDryRun = (o: { readonly dryRun?: readonly string[] }): boolean => (o.dryRun ?? []).includes('All');

