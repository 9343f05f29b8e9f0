/**
 * What the VM controller does about the VM's VMI, given the run strategy, the pending state
 * change requests and the start back-off (upstream pkg/virt-controller/watch/vm/vm.go). Pure:
 * the controller turns the decision into API calls.
 */
import {
  API_VERSION,
  firmwareUUID,
  isVMIFinal,
  runStrategyOf,
  type VirtualMachine,
  type VirtualMachineInstance,
  type VirtualMachineRunStrategy,
  type VirtualMachineStatus,
} from '../../api/kubevirt/index.js';

export type VMAction =
  | { readonly kind: 'none'; readonly requeueAfterMs?: number }
  | { readonly kind: 'create' }
  | { readonly kind: 'delete'; readonly reason: string };

type StartFailure = NonNullable<VirtualMachineStatus['startFailure']>;
type Request = NonNullable<VirtualMachineStatus['stateChangeRequests']>[number];

/** Upstream's ceiling on the crash-loop back-off, in seconds. */
export const MAX_START_BACKOFF_SECONDS = 300;

/** Upstream's back-off: max(maxDelay/30, 10) x failures^2, plus up to half again at random, capped. */
export function startBackoffSeconds(failCount: number, random: () => number = Math.random, maxDelay = MAX_START_BACKOFF_SECONDS): number {
  const interval = Math.max(Math.floor(maxDelay / 30), 10);
  const delay = interval * Math.max(failCount, 1) ** 2;
  const jitter = Math.floor(random() * (Math.floor(delay / 2) + 1));
  return Math.min(delay + jitter, maxDelay);
}

/** The VMI ever reached Running. */
export const wasRunning = (vmi: VirtualMachineInstance | undefined): boolean =>
  (vmi?.status?.phaseTransitionTimestamps ?? []).some((t) => t.phase === 'Running');

const restarts = (s: VirtualMachineRunStrategy): boolean => s === 'Always' || s === 'RerunOnFailure';

/**
 * The next `status.startFailure`: a VMI that ended without ever running counts one more failure
 * (once per VMI uid) and pushes the retry time out; a VMI that ran, or a strategy that does not
 * restart, clears it.
 */
export function nextStartFailure(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, now: Date, random: () => number = Math.random): StartFailure | undefined {
  const current = vm.status?.startFailure ?? undefined;
  if (wasRunning(vmi) || !restarts(runStrategyOf(vm))) return undefined;
  if (!vmi || !isVMIFinal(vmi)) return current;
  const uid = vmi.metadata?.uid ?? '';
  if (current?.lastFailedVMIUID === uid) return current;
  const count = (current?.consecutiveFailCount ?? 0) + 1;
  const retry = new Date(now.getTime() + startBackoffSeconds(count, random) * 1000);
  return { consecutiveFailCount: count, lastFailedVMIUID: uid, retryAfterTimestamp: retry.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** Milliseconds until the back-off allows a new start; 0 when it does now. */
export function backoffLeftMs(vm: VirtualMachine, now: Date): number {
  const at = vm.status?.startFailure?.retryAfterTimestamp;
  if (!at) return 0;
  return Math.max(Date.parse(at) - now.getTime(), 0);
}

const firstRequest = (vm: VirtualMachine): Request | undefined => vm.status?.stateChangeRequests?.[0];

/** A pending Stop request that applies to `vmi` (no uid, or its uid). */
const stopRequested = (vm: VirtualMachine, vmi: VirtualMachineInstance): boolean => {
  const r = firstRequest(vm);
  return r?.action === 'Stop' && (r.uid === undefined || r.uid === vmi.metadata?.uid);
};

/** The VM wants a VMI right now (ignoring back-off): upstream's isVMIStartExpected without the timer. */
export function startWanted(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined): boolean {
  const strategy = runStrategyOf(vm);
  const r = firstRequest(vm);
  if (r?.action === 'Start') return true;
  if (r?.action === 'Stop' && (!vmi || r.uid === undefined || r.uid === vmi.metadata?.uid)) return false;
  switch (strategy) {
    case 'Always':
      return true;
    case 'RerunOnFailure':
      return !vmi || vmi.status?.phase !== 'Succeeded';
    case 'Once':
      return vm.status?.created !== true && !vmi;
    case 'Manual':
    case 'Halted':
    case 'WaitAsReceiver':
      return false;
  }
}

/** A VMI should be created now (start wanted and back-off expired). */
export function startExpected(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, now: Date): boolean {
  return !vmi && startWanted(vm, vmi) && backoffLeftMs(vm, now) === 0;
}

/** The VM wants its VMI gone: Halted, or a Stop request for it. */
export function stopExpected(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined): boolean {
  if (!vmi) return false;
  return runStrategyOf(vm) === 'Halted' || stopRequested(vm, vmi);
}

/** Create, delete, or leave the VMI, as the run strategy says. */
export function decideVMAction(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined, now: Date): VMAction {
  if (vm.metadata?.deletionTimestamp) return vmi && !vmi.metadata?.deletionTimestamp ? { kind: 'delete', reason: 'VM is being deleted' } : { kind: 'none' };
  if (vmi) {
    if (vmi.metadata?.deletionTimestamp) return { kind: 'none' };
    if (stopExpected(vm, vmi)) return { kind: 'delete', reason: 'Stop requested' };
    const strategy = runStrategyOf(vm);
    const phase = vmi.status?.phase;
    if (strategy === 'Always' && isVMIFinal(vmi)) return { kind: 'delete', reason: `VMI ${phase ?? ''}; run strategy Always restarts it` };
    if (strategy === 'RerunOnFailure' && phase === 'Failed') return { kind: 'delete', reason: 'VMI Failed; run strategy RerunOnFailure restarts it' };
    if (firstRequest(vm)?.action === 'Start' && isVMIFinal(vmi)) return { kind: 'delete', reason: 'Start requested' };
    return { kind: 'none' };
  }
  if (!startWanted(vm, vmi)) return { kind: 'none' };
  const wait = backoffLeftMs(vm, now);
  return wait > 0 ? { kind: 'none', requeueAfterMs: wait } : { kind: 'create' };
}

/**
 * The state change requests left once the VMI is as they asked: a Stop is done when its VMI
 * (or every VMI) is gone, a Start once a VMI exists.
 */
export function remainingRequests(vm: VirtualMachine, vmi: VirtualMachineInstance | undefined): Request[] | undefined {
  const reqs = [...(vm.status?.stateChangeRequests ?? [])];
  while (reqs.length > 0) {
    const r = reqs[0]!;
    const done = r.action === 'Stop' ? !vmi || (r.uid !== undefined && r.uid !== vmi.metadata?.uid) : vmi !== undefined && r.uid === undefined && !isVMIFinal(vmi);
    if (!done) break;
    reqs.shift();
  }
  return reqs.length > 0 ? reqs : undefined;
}

/** The VMI the VM runs: name, labels and annotations from the template, owned by the VM, with a stable firmware uuid. */
export function vmiFromTemplate(vm: VirtualMachine): VirtualMachineInstance {
  const name = vm.metadata?.name ?? '';
  const tmplMeta = vm.spec.template.metadata ?? {};
  const spec = structuredClone(vm.spec.template.spec ?? { domain: { devices: {} } });
  const firmware = (spec.domain.firmware ??= {});
  firmware.uuid ??= firmwareUUID(name);
  return {
    apiVersion: API_VERSION,
    kind: 'VirtualMachineInstance',
    metadata: {
      name,
      namespace: vm.metadata?.namespace ?? 'default',
      ...(tmplMeta.labels ? { labels: { ...tmplMeta.labels } } : {}),
      ...(tmplMeta.annotations ? { annotations: { ...tmplMeta.annotations } } : {}),
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'VirtualMachine', name, uid: vm.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
}
