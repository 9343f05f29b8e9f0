/**
 * Node affinity (nodeSelector, required/preferred node affinity) and inter-pod affinity,
 * matched as kube-scheduler's NodeAffinity and InterPodAffinity plugins do.
 */
import type { LabelSelector } from '../../api/meta/index.js';
import { selectors } from '../apiserver/selectors/index.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm } from './types.js';
import { holdsResources } from './resources.js';

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0] ?? '', 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
  }
}

/** A term matches when all its expressions and fields match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata?.name : undefined))
  );
}

/** nodeSelector and required node affinity (terms are ORed). */
export function nodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** Sum of weights of preferred node-affinity terms the node matches. */
export function preferredNodeAffinityScore(pod: Pod, node: Node): number {
  const prefs = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return prefs.reduce((s, p) => s + (termMatches(p.preference, node) ? p.weight : 0), 0);
}

function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  // In affinity terms a missing labelSelector selects no pods.
  if (!sel) return false;
  return selectors.labelSelectorFromMeta(sel).matches(labels);
}

function termSelectsPod(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  const ns = other.metadata?.namespace ?? '';
  const namespaces = term.namespaces && term.namespaces.length > 0 ? term.namespaces : term.namespaceSelector ? undefined : [owner.metadata?.namespace ?? ''];
  if (namespaces && !namespaces.includes(ns)) return false;
  return selectorMatches(term.labelSelector, other.metadata?.labels);
}

function topologyValue(node: Node | undefined, key: string): string | undefined {
  return node?.metadata?.labels?.[key];
}

/** Pods placed on nodes sharing the candidate's value of `topologyKey` that the term selects. */
function matchingPodsInDomain(term: PodAffinityTerm, pod: Pod, node: Node, nodes: ReadonlyMap<string, Node>, pods: readonly Pod[]): Pod[] {
  const domain = topologyValue(node, term.topologyKey);
  if (domain === undefined) return [];
  return pods.filter((p) => {
    if (!p.spec?.nodeName || !holdsResources(p) || p.metadata?.uid === pod.metadata?.uid) return false;
    return topologyValue(nodes.get(p.spec.nodeName), term.topologyKey) === domain && termSelectsPod(term, pod, p);
  });
}

export interface PodAffinityResult {
  readonly affinityOk: boolean;
  readonly antiAffinityOk: boolean;
}

/**
 * Required pod affinity and anti-affinity, including existing pods' anti-affinity against this pod.
 * As upstream, a pod whose affinity matches itself and no other pod exists yet may go anywhere.
 */
export function podAffinityFits(pod: Pod, node: Node, nodes: ReadonlyMap<string, Node>, pods: readonly Pod[]): PodAffinityResult {
  const aff = pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  let affinityOk = aff.every((t) => matchingPodsInDomain(t, pod, node, nodes, pods).length > 0);
  if (!affinityOk) {
    const anyMatchAnywhere = aff.some((t) => pods.some((p) => p.spec?.nodeName && holdsResources(p) && termSelectsPod(t, pod, p)));
    const selfMatch = aff.every((t) => termSelectsPod(t, pod, pod));
    if (!anyMatchAnywhere && selfMatch && aff.every((t) => topologyValue(node, t.topologyKey) !== undefined)) affinityOk = true;
  }
  const anti = pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  let antiAffinityOk = anti.every((t) => matchingPodsInDomain(t, pod, node, nodes, pods).length === 0);
  if (antiAffinityOk) {
    // Existing pods' required anti-affinity terms that select this pod.
    for (const other of pods) {
      if (!other.spec?.nodeName || !holdsResources(other)) continue;
      for (const t of other.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
        const d = topologyValue(node, t.topologyKey);
        if (d !== undefined && d === topologyValue(nodes.get(other.spec.nodeName), t.topologyKey) && termSelectsPod(t, other, pod)) {
          antiAffinityOk = false;
        }
      }
    }
  }
  return { affinityOk, antiAffinityOk };
}
