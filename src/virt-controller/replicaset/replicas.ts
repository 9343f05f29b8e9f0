/**
 * The VMI replica set controller's pure core (upstream pkg/virt-controller/watch/replicaset):
 * which VMIs are active, finished or terminating, how many to create or delete, and the status
 * (replicas, readyReplicas, labelSelector, ReplicaPaused and ReplicaFailure conditions).
 */
import {
  isVMIFinal,
  matchesLabelSelector,
  POD_TERMINATING_REASON,
  vmiCondition,
  type LabelSelector,
  type VirtualMachineInstance,
  type VirtualMachineInstanceReplicaSet,
} from '../../api/kubevirt/index.js';

/** Upstream's burst: at most this many creates or deletes per reconcile. */
export const BURST_REPLICAS = 250;
export const SUCCESSFUL_PAUSED_REASON = 'SuccessfulPaused';
export const SUCCESSFUL_RESUMED_REASON = 'SuccessfulResumed';

export type RSStatus = NonNullable<VirtualMachineInstanceReplicaSet['status']>;
type RSCondition = NonNullable<RSStatus['conditions']>[number];

/** A selector's canonical string as labels.Selector.String() prints it (sorted by key). */
export function selectorString(sel: LabelSelector | undefined): string {
  const reqs: [string, string][] = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${vals})` : e.operator === 'NotIn' ? `${e.key} notin (${vals})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    reqs.push([e.key, text]);
  }
  return reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, t]) => t).join(',');
}

/** Why the replica set cannot be acted on (upstream logs these and does not requeue), or undefined. */
export function invalidSpec(rs: VirtualMachineInstanceReplicaSet): string | undefined {
  const labels = rs.spec.template.metadata?.labels ?? {};
  if (!rs.spec.selector || Object.keys(labels).length === 0) return 'invalid controller spec: selector and template labels are required';
  const hasRequirements = Object.keys(rs.spec.selector.matchLabels ?? {}).length > 0 || (rs.spec.selector.matchExpressions ?? []).length > 0;
  if (hasRequirements && !matchesLabelSelector(rs.spec.selector, labels)) return 'selector does not match template labels';
  return undefined;
}

/** True when the selector selects `labels` (an empty selector selects everything, as upstream). */
export function selects(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  return matchesLabelSelector(sel, labels);
}

const terminating = (vmi: VirtualMachineInstance): boolean => {
  const c = vmiCondition(vmi, 'Ready');
  return c?.status === 'False' && c.reason === POD_TERMINATING_REASON;
};

/** Not final, not being deleted, and its pod not terminating: counts towards replicas. */
export const isActive = (vmi: VirtualMachineInstance): boolean => !isVMIFinal(vmi) && !vmi.metadata?.deletionTimestamp && !terminating(vmi);
/** Finished (or with a terminating pod) and not yet being deleted: the controller deletes these. */
export const isFinished = (vmi: VirtualMachineInstance): boolean => !vmi.metadata?.deletionTimestamp && (isVMIFinal(vmi) || terminating(vmi));
export const isReady = (vmi: VirtualMachineInstance): boolean => vmiCondition(vmi, 'Ready')?.status === 'True';

/** Wanted minus active: negative means create that many, positive means delete. */
export function replicaDiff(rs: VirtualMachineInstanceReplicaSet, active: readonly VirtualMachineInstance[]): number {
  return active.length - (rs.spec.replicas ?? 1);
}

/**
 * The VMIs to delete when scaling down: not yet running ones first, then the youngest, so the
 * longest-running guests survive (upstream leaves the order open; this is ReplicaSet's spirit).
 */
export function deleteCandidates(active: readonly VirtualMachineInstance[], n: number): VirtualMachineInstance[] {
  const rank = (v: VirtualMachineInstance) => (v.status?.phase === 'Running' ? 1 : 0);
  return [...active]
    .sort((a, b) => rank(a) - rank(b) || (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''))
    .slice(0, Math.min(n, BURST_REPLICAS));
}

/** A new VMI from the template: generateName from the template's name or the set's, labels from the template, owned by the set. */
export function vmiFromReplicaSet(rs: VirtualMachineInstanceReplicaSet): VirtualMachineInstance {
  const meta = rs.spec.template.metadata ?? {};
  const base = meta.name || meta.generateName || rs.metadata?.name || 'vmi';
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      labels: { ...(meta.labels ?? {}) },
      generateName: base,
      namespace: rs.metadata?.namespace,
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceReplicaSet', name: rs.metadata?.name ?? '', uid: rs.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone<VirtualMachineInstance['spec']>(rs.spec.template.spec ?? { domain: { devices: {} } }),
  };
}

/** The status from the active VMIs, the pause flag and the scaling error (pure). */
export function computeRSStatus(rs: VirtualMachineInstanceReplicaSet, active: readonly VirtualMachineInstance[], scaleError: Error | undefined, now: Date): RSStatus {
  const old = rs.status ?? {};
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  let conds: RSCondition[] = [...(old.conditions ?? [])];
  const has = (t: RSCondition['type']) => conds.some((c) => c.type === t);
  if (rs.spec.paused && !has('ReplicaPaused')) conds.push({ type: 'ReplicaPaused', status: 'True', reason: 'Paused', message: 'Controller got paused', lastTransitionTime: at });
  if (!rs.spec.paused) conds = conds.filter((c) => c.type !== 'ReplicaPaused');
  if (scaleError && !has('ReplicaFailure')) {
    const reason = replicaDiff(rs, active) < 0 ? 'FailedCreate' : 'FailedDelete';
    conds.push({ type: 'ReplicaFailure', status: 'True', reason, message: scaleError.message, lastTransitionTime: at });
  }
  if (!scaleError) conds = conds.filter((c) => c.type !== 'ReplicaFailure');
  const status: RSStatus = { ...old, replicas: active.length, readyReplicas: active.filter(isReady).length, labelSelector: selectorString(rs.spec.selector) };
  if (conds.length > 0) status.conditions = conds;
  else delete status.conditions;
  return status;
}
