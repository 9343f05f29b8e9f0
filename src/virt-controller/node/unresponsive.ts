/**
 * The node controller's pure core (upstream pkg/virt-controller/watch/node): a node whose
 * virt-handler heartbeat is older than the timeout (or that is gone) is unresponsive; its active
 * VMIs that have no live launcher pod are the ones to fail with reason NodeUnresponsive.
 */
import { HEARTBEAT_ANNOTATION, isVMIFinal, NODE_SCHEDULABLE_LABEL, type VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { Node, Pod } from '../pod.js';

/** Reason on the VMI and in events when virt-handler stopped answering. */
export const NODE_UNRESPONSIVE_REASON = 'NodeUnresponsive';
/** Upstream's heartbeat timeout and recheck interval. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_RECHECK_MS = 60_000;

/**
 * True when the node is gone or its heartbeat annotation is older than `timeoutMs`. A node with
 * no heartbeat annotation has never run virt-handler and is left alone (as upstream).
 */
export function isNodeUnresponsive(node: Node | undefined, timeoutMs: number, now: Date): boolean {
  if (!node) return true;
  const beat = node.metadata.annotations?.[HEARTBEAT_ANNOTATION];
  if (beat === undefined) return false;
  const t = Date.parse(beat);
  return !Number.isNaN(t) && t < now.getTime() - timeoutMs;
}

export const isNodeSchedulable = (node: Node | undefined): boolean => node?.metadata.labels?.[NODE_SCHEDULABLE_LABEL] === 'true';

/** A launcher pod that may still run its guest: not final, and not with every container terminated. */
export function isPodAlive(pod: Pod): boolean {
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return false;
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length === 0 || statuses.some((s) => !s.state?.terminated);
}

/** The node's active VMIs with no live launcher pod on that node (matched by the pod's VMI controller reference). */
export function stuckVMIs(nodeName: string, vmis: readonly VirtualMachineInstance[], pods: readonly Pod[]): VirtualMachineInstance[] {
  const alive = new Set(
    pods
      .filter((p) => p.spec.nodeName === nodeName && isPodAlive(p))
      .flatMap((p) => (p.metadata.ownerReferences ?? []).filter((r) => r.controller && r.kind === 'VirtualMachineInstance').map((r) => `${p.metadata.namespace ?? ''}/${r.uid}`)),
  );
  return vmis.filter((v) => v.status?.nodeName === nodeName && !isVMIFinal(v) && !alive.has(`${v.metadata?.namespace ?? ''}/${v.metadata?.uid ?? ''}`));
}
