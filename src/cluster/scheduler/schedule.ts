/**
 * One scheduling decision: filter every node, score the ones that fit, pick the best.
 * Pure: the caller supplies the nodes and the pods already placed.
 */
import { nodeAffinityMatches, podAffinityFits, preferredNodeAffinityScore } from './affinity.js';
import { insufficient, nodeAllocatable, podRequests, requestedOn } from './resources.js';
import { describeTaint, untoleratedTaint } from './taints.js';
import type { Node, Pod } from './types.js';

/** Why one node was rejected, in kube-scheduler's words (several reasons possible). */
export function filterNode(pod: Pod, node: Node, nodes: ReadonlyMap<string, Node>, pods: readonly Pod[]): string[] {
  const name = node.metadata?.name ?? '';
  if (pod.spec?.nodeName && pod.spec.nodeName !== name) return ["node(s) didn't match the requested node name"];
  if (node.spec?.unschedulable && !tolerated(pod, 'node.kubernetes.io/unschedulable')) return ['node(s) were unschedulable'];
  if (!nodeAffinityMatches(pod, node)) return ["node(s) didn't match Pod's node affinity/selector"];
  const taint = untoleratedTaint(effectiveTaints(node), pod.spec?.tolerations);
  if (taint) return [`node(s) had untolerated taint ${describeTaint(taint)}`];
  const aff = podAffinityFits(pod, node, nodes, pods);
  if (!aff.affinityOk) return ["node(s) didn't match pod affinity rules"];
  if (!aff.antiAffinityOk) return ["node(s) didn't match pod anti-affinity rules"];
  return insufficient(pod, node, pods);
}

function tolerated(pod: Pod, key: string): boolean {
  return (pod.spec?.tolerations ?? []).some((t) => (t.operator === 'Exists' && !t.key) || (t.key === key && (!t.effect || t.effect === 'NoSchedule')));
}

/**
 * The node's taints plus the ones the node lifecycle controller would add for a node that is
 * not Ready (not-ready / unreachable), so readiness is one more taint as upstream has it.
 */
export function effectiveTaints(node: Node): NonNullable<NonNullable<Node['spec']>['taints']> {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const key = !ready || ready.status === 'Unknown' ? 'node.kubernetes.io/unreachable' : ready.status === 'False' ? 'node.kubernetes.io/not-ready' : undefined;
  if (key && !taints.some((t) => t.key === key)) taints.push({ key, effect: 'NoSchedule' });
  return taints;
}

/** Higher is better: preferred affinity first, then the least-allocated node (spreads pods). */
export function scoreNode(pod: Pod, node: Node, pods: readonly Pod[]): number {
  const have = nodeAllocatable(node);
  const used = requestedOn(node.metadata?.name ?? '', pods);
  const want = podRequests(pod);
  let free = 0;
  for (const r of ['cpu', 'memory']) {
    const cap = have.get(r) ?? 0;
    if (cap > 0) free += (cap - (used.get(r) ?? 0) - (want.get(r) ?? 0)) / cap;
  }
  return preferredNodeAffinityScore(pod, node) * 100 + free * 50;
}

export type Decision = { readonly node: string } | { readonly message: string };

/** kube-scheduler's FailedScheduling text: `0/2 nodes are available: 1 Insufficient cpu, 1 ....` */
export function unschedulableMessage(total: number, reasons: readonly string[]): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}

/** Picks the best node for `pod`; `extraFilter` adds a plugin's rejection reason (volume binding). */
export function schedule(pod: Pod, nodes: readonly Node[], pods: readonly Pod[], extraFilter?: (node: Node) => string | undefined): Decision {
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const reasons: string[] = [];
  let best: { name: string; score: number } | undefined;
  for (const node of nodes) {
    const why = [...filterNode(pod, node, byName, pods)];
    const extra = why.length === 0 ? extraFilter?.(node) : undefined;
    if (extra) why.push(extra);
    if (why.length > 0) {
      reasons.push(...why);
      continue;
    }
    const score = scoreNode(pod, node, pods);
    const name = node.metadata?.name ?? '';
    if (!best || score > best.score || (score === best.score && name < best.name)) best = { name, score };
  }
  return best ? { node: best.name } : { message: unschedulableMessage(nodes.length, reasons) };
}
