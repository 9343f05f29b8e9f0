/**
 * Resource accounting as kube-scheduler's NodeResourcesFit does it: a pod requests the larger of
 * the sum of its containers and the largest init container, plus its overhead; a node offers
 * its allocatable minus what bound, unfinished pods request.
 */
import { parseQuantity } from '../apiserver/builtins/quantity.js';
import type { Container, Node, Pod } from './types.js';

export type ResourceList = Map<string, number>;

function add(into: ResourceList, from: Readonly<Record<string, string | number>> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) into.set(k, (into.get(k) ?? 0) + (parseQuantity(v) ?? 0));
}

function containerRequests(c: Container): Readonly<Record<string, string | number>> | undefined {
  // A container with limits but no requests requests its limits (API defaulting).
  return c.resources?.requests ?? c.resources?.limits;
}

const requestsMemo = new WeakMap<Pod, ReadonlyMap<string, number>>();

/**
 * Effective requests of a pod. cpu is in cores, memory in bytes, others in units. Remembered per
 * pod object (informer objects are replaced, never changed), since every decision sums them all.
 */
export function podRequests(pod: Pod): ReadonlyMap<string, number> {
  const known = requestsMemo.get(pod);
  if (known) return known;
  const sum: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) add(sum, containerRequests(c));
  for (const c of pod.spec?.initContainers ?? []) {
    const one: ResourceList = new Map();
    add(one, containerRequests(c));
    for (const [k, v] of one) if (v > (sum.get(k) ?? 0)) sum.set(k, v);
  }
  add(sum, pod.spec?.overhead);
  sum.set('pods', 1);
  requestsMemo.set(pod, sum);
  return sum;
}

export function nodeAllocatable(node: Node): ResourceList {
  const out: ResourceList = new Map();
  add(out, node.status?.allocatable ?? node.status?.capacity);
  return out;
}

/** Pods that still hold resources on a node: bound and not finished. */
export function holdsResources(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function requestedOn(nodeName: string, pods: readonly Pod[]): ResourceList {
  const out: ResourceList = new Map();
  for (const p of pods) {
    if (p.spec?.nodeName !== nodeName || !holdsResources(p)) continue;
    for (const [k, v] of podRequests(p)) out.set(k, (out.get(k) ?? 0) + v);
  }
  return out;
}

/** Names of resources the pod asks for beyond what is free, in kube-scheduler's wording. */
export function insufficient(pod: Pod, node: Node, pods: readonly Pod[]): string[] {
  const want = podRequests(pod);
  const have = nodeAllocatable(node);
  const used = requestedOn(node.metadata?.name ?? '', pods);
  const reasons: string[] = [];
  for (const [k, v] of want) {
    if (v <= 0) continue;
    const free = (have.get(k) ?? 0) - (used.get(k) ?? 0);
    if (v > free + 1e-9) reasons.push(k === 'pods' ? 'Too many pods' : `Insufficient ${k}`);
  }
  return reasons;
}
