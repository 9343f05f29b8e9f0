/**
 * The VMI controller's pure core (upstream pkg/virt-controller/watch/vmi/vmi.go updateStatus):
 * from the VMI and its launcher pod, the VMI's next phase and conditions and what to do with the
 * pod and the finalizer. virt-handler owns Running and the normal ends; this owns everything up to
 * Scheduled, and Failed when the pod fails or vanishes.
 */
import {
  isVMIFinal,
  NODE_NAME_LABEL,
  VMI_FINALIZER,
  POD_CONDITION_MISSING_REASON,
  POD_NOT_EXISTS_REASON,
  POD_TERMINATING_REASON,
  type VirtualMachineInstance,
  type VirtualMachineInstanceCondition,
  type VirtualMachineInstancePhase,
  type VirtualMachineInstanceStatus,
} from '../../api/kubevirt/index.js';
import { isPodFinal, podCondition, type PersistentVolumeClaim, type Pod } from '../pod.js';
import { ERR_IMAGE_PULL_REASON, FAILED_DATA_VOLUME_NOT_FOUND_REASON, FAILED_PVC_NOT_FOUND_REASON, IMAGE_PULL_BACKOFF_REASON, type DataVolumeLike } from '../vm/printable-status.js';

export type VMIAction = 'createPod' | 'deletePod' | 'removeFinalizer';

/** What the VMI controller reads besides the VMI. */
export interface VMIPhaseInput {
  readonly vmi: VirtualMachineInstance;
  /** The VMI's launcher pod in the cache, if any. */
  readonly pod?: Pod | undefined;
  readonly pvcs?: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly dataVolumes?: ReadonlyMap<string, DataVolumeLike>;
  readonly now: Date;
}

export interface VMIPhaseResult {
  readonly status: VirtualMachineInstanceStatus;
  /** The VMI's labels when they change (written in the same update as the status), else undefined. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly actions: readonly VMIAction[];
}

/**
 * The VMI's labels with `kubevirt.io/nodeName` following status.nodeName, as upstream sets it in the
 * update that makes the VMI Scheduled (virt-handler selects its VMIs by it); undefined when unchanged.
 */
export function nodeNameLabels(vmi: VirtualMachineInstance, status: VirtualMachineInstanceStatus): Record<string, string> | undefined {
  const node = status.nodeName;
  const labels = vmi.metadata?.labels ?? {};
  // A final VMI needs no handler any more: a VMI labelled before it ended keeps its label, none is added.
  if (!node || labels[NODE_NAME_LABEL] === node || status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
  return { ...labels, [NODE_NAME_LABEL]: node };
}

/** Reason of a VMI failed because its pod failed or disappeared. */
export const POD_FAILED_REASON = 'PodFailed';
export const POD_VANISHED_REASON = 'PodVanished';
/** Conditions' reasons this controller writes on Synchronized; others belong to virt-handler. */
const OWN_SYNC_REASONS = new Set([FAILED_PVC_NOT_FOUND_REASON, FAILED_DATA_VOLUME_NOT_FOUND_REASON, ERR_IMAGE_PULL_REASON, IMAGE_PULL_BACKOFF_REASON]);

const GUEST_NOT_RUNNING = { status: 'False', reason: 'GuestNotRunning', message: 'Guest VM is not reported as running' } as const;
/** RFC 3339 in whole seconds (metav1.Time): `2026-01-02T03:04:05Z`. */
const ts = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
type Cond = VirtualMachineInstanceCondition;

/** Sets (or, with `undefined`, removes) a condition, keeping lastTransitionTime when the status holds; `now` is the RFC 3339 time. */
function setCondition(conds: Cond[], type: Cond['type'], next: Omit<Cond, 'type'> | undefined, now: string): Cond[] {
  const i = conds.findIndex((c) => c.type === type);
  if (!next) return i < 0 ? conds : conds.filter((c) => c.type !== type);
  const old = i >= 0 ? conds[i] : undefined;
  const lastTransitionTime = old?.status === next.status ? (old.lastTransitionTime ?? now) : now;
  const c: Cond = { type, status: next.status, lastTransitionTime, ...(next.reason ? { reason: next.reason } : {}), ...(next.message ? { message: next.message } : {}) };
  if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return conds;
  if (i < 0) return [...conds, c];
  const out = [...conds];
  out[i] = c;
  return out;
}

/** Volumes whose claim or DataVolume is not in the cache; the first missing decides the reason. */
function missingVolume(i: VMIPhaseInput): { reason: string; message: string } | undefined {
  for (const v of i.vmi.spec.volumes ?? []) {
    if (v.dataVolume && i.dataVolumes && !i.dataVolumes.has(v.dataVolume.name) && i.pvcs && !i.pvcs.has(v.dataVolume.name)) {
      return { reason: FAILED_DATA_VOLUME_NOT_FOUND_REASON, message: `DataVolume ${v.dataVolume.name} does not exist` };
    }
    const claim = v.persistentVolumeClaim?.claimName ?? v.ephemeral?.persistentVolumeClaim?.claimName;
    if (claim && i.pvcs && !i.pvcs.has(claim)) return { reason: FAILED_PVC_NOT_FOUND_REASON, message: `PVC ${i.vmi.metadata?.namespace ?? 'default'}/${claim} does not exist, waiting for it to appear` };
  }
  return undefined;
}

/** DataVolumes of the VMI that exist and have not finished populating. */
const provisioning = (i: VMIPhaseInput): string[] =>
  (i.vmi.spec.volumes ?? []).flatMap((v) => {
    const dv = v.dataVolume ? i.dataVolumes?.get(v.dataVolume.name) : undefined;
    return dv && dv.status?.phase !== 'Succeeded' && dv.status?.phase !== 'WaitForFirstConsumer' ? [v.dataVolume!.name] : [];
  });

function podWaiting(pod: Pod | undefined): { reason: string; message: string } | undefined {
  const all = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  const w = all.map((s) => s.state?.waiting).find((x) => x?.reason === ERR_IMAGE_PULL_REASON || x?.reason === IMAGE_PULL_BACKOFF_REASON);
  return w?.reason ? { reason: w.reason, message: w.message ?? '' } : undefined;
}

/** Ready while virt-handler reports the guest paused (upstream gets there through the pod's unpaused readiness gate). */
const PAUSED_NOT_READY = { status: 'False', reason: 'Paused', message: 'VMI was paused' } as const;

/**
 * The VMI's Ready condition from its pod as upstream's syncReadyConditionFromPod: the pod's own
 * Ready only once the guest runs, False while paused. This controller is Ready's only writer (two
 * writers reading different caches would undo each other's writes).
 */
const podReady = (vmi: VirtualMachineInstance, pod: Pod | undefined, guestRunning: boolean): Omit<Cond, 'type'> => {
  if (!pod) return { status: 'False', reason: POD_NOT_EXISTS_REASON, message: 'virt-launcher pod has not yet been scheduled' };
  if (pod.metadata.deletionTimestamp) return { status: 'False', reason: POD_TERMINATING_REASON, message: 'virt-launcher pod is terminating' };
  if (!guestRunning) return GUEST_NOT_RUNNING;
  if (vmi.status?.conditions?.some((c) => c.type === 'Paused' && c.status === 'True')) return PAUSED_NOT_READY;
  const c = podCondition(pod, 'Ready');
  if (!c) return { status: 'False', reason: POD_CONDITION_MISSING_REASON, message: 'virt-launcher pod is missing the Ready condition' };
  return { status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
};

/** The phase the VMI moves to, with the reason when it fails. */
function nextPhase(i: VMIPhaseInput): { phase: VirtualMachineInstancePhase; reason?: string } {
  const { vmi, pod } = i;
  const phase = vmi.status?.phase ?? '';
  if (isVMIFinal(vmi)) return { phase };
  const live = pod && !isPodFinal(pod);
  // Once Scheduled, a dead pod is virt-handler's to report (or the node controller's when the handler is gone).
  if (pod && isPodFinal(pod) && phase !== 'Scheduled' && phase !== 'Running') return { phase: 'Failed', reason: POD_FAILED_REASON };
  if (!pod && (phase === 'Scheduling' || phase === 'Scheduled' || phase === 'Running')) return { phase: 'Failed', reason: POD_VANISHED_REASON };
  if (!pod && vmi.metadata?.deletionTimestamp) return { phase: 'Failed' };
  if (phase === '' || phase === 'Pending') return { phase: live ? 'Scheduling' : 'Pending' };
  if (phase === 'Scheduling' && live && pod.status?.phase === 'Running' && pod.spec.nodeName) return { phase: 'Scheduled' };
  return { phase };
}

/** The VMI's next status and the actions that go with it (pure). */
export function reconcileVMIStatus(i: VMIPhaseInput): VMIPhaseResult {
  const { vmi, pod } = i;
  const now = ts(i.now);
  const old = vmi.status ?? {};
  const { phase, reason } = nextPhase(i);
  // A shallow copy: nested values of the cached VMI are replaced here, never changed in place.
  const status: VirtualMachineInstanceStatus = { ...old, phase };
  if (phase !== (old.phase ?? '')) {
    status.phaseTransitionTimestamps = [...(old.phaseTransitionTimestamps ?? []), { phase, phaseTransitionTimestamp: now }];
    if (reason) status.reason = reason;
  }
  // As upstream, the node is written with Scheduled (one write, not one more when the pod is bound).
  if (phase === 'Scheduled' && pod?.spec.nodeName && !status.nodeName) status.nodeName = pod.spec.nodeName;
  const final = phase === 'Succeeded' || phase === 'Failed';

  let conds = old.conditions ?? [];
  const scheduled = pod ? podCondition(pod, 'PodScheduled') : undefined;
  // Until the VMI is Scheduled, a pod that cannot be scheduled says why (PodScheduled=False copied), as upstream.
  if (final || old.phase === undefined || old.phase === '' || old.phase === 'Pending' || old.phase === 'Scheduling') {
    conds = setCondition(conds, 'PodScheduled', scheduled?.status === 'False' && !final ? { status: scheduled.status, reason: scheduled.reason, message: scheduled.message } : undefined, now);
  }
  conds = setCondition(conds, 'Ready', final ? GUEST_NOT_RUNNING : podReady(vmi, pod, old.phase === 'Running'), now);
  const waiting = provisioning(i);
  conds = setCondition(conds, 'Provisioning', waiting.length > 0 && !final ? { status: 'True', reason: 'Provisioning', message: `DataVolumes not ready: ${waiting.join(', ')}` } : undefined, now);
  const problem = final ? undefined : (missingVolume(i) ?? podWaiting(pod));
  const sync = conds.find((c) => c.type === 'Synchronized');
  if (problem) conds = setCondition(conds, 'Synchronized', { status: 'False', ...problem }, now);
  else if (sync?.status === 'False' && sync.reason && OWN_SYNC_REASONS.has(sync.reason)) conds = setCondition(conds, 'Synchronized', undefined, now);
  status.conditions = conds;

  const actions: VMIAction[] = [];
  const deleting = vmi.metadata?.deletionTimestamp !== undefined;
  if (pod && !pod.metadata.deletionTimestamp && (final || deleting)) actions.push('deletePod');
  if (!pod && !final && !deleting && phase === 'Pending' && waiting.length === 0 && !missingVolume(i)) actions.push('createPod');
  if (!pod && final && (vmi.metadata?.finalizers ?? []).includes(VMI_FINALIZER)) actions.push('removeFinalizer');
  return { status, labels: nodeNameLabels(vmi, status), actions };
}
