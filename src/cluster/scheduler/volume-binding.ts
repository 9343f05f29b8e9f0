/**
 * kube-scheduler's VolumeBinding plugin, pure: a pod's claims must exist; bound claims pin the
 * pod to nodes their PV's node affinity admits; unbound WaitForFirstConsumer claims are given
 * the chosen node (`volume.kubernetes.io/selected-node`) so the provisioner makes the volume
 * there, and the pod is bound only once every claim is Bound.
 */
import { claimClass, volumeAllowsNode } from '../storage/matcher.js';
import { SELECTED_NODE_ANNOTATION, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../storage/types.js';
import type { Node, Pod } from './types.js';

/** What the scheduler's caches hold about storage. */
export interface StorageView {
  /** Claims by `namespace/name`. */
  readonly claims: (key: string) => PersistentVolumeClaim | undefined;
  readonly volumes: (name: string) => PersistentVolume | undefined;
  readonly classes: readonly StorageClass[];
}

/** The pod's claims, split into bound ones (with their PV) and ones still waiting to bind. */
export interface PodClaims {
  readonly bound: readonly PersistentVolume[];
  /** Unbound WaitForFirstConsumer claims (or claims whose binding is in progress). */
  readonly waiting: readonly PersistentVolumeClaim[];
}

/** The claim names a pod's volumes reference. */
export function podClaimNames(pod: Pod): string[] {
  return [...new Set((pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [])))];
}

/** PreFilter: the pod's claims, or why no node can take the pod (worded as kube-scheduler words it). */
export function checkPodClaims(pod: Pod, st: StorageView): PodClaims | { readonly message: string } {
  const ns = pod.metadata?.namespace ?? 'default';
  const bound: PersistentVolume[] = [];
  const waiting: PersistentVolumeClaim[] = [];
  for (const name of podClaimNames(pod)) {
    const pvc = st.claims(`${ns}/${name}`);
    if (!pvc) return { message: `persistentvolumeclaim "${name}" not found` };
    if (pvc.metadata?.deletionTimestamp) return { message: `persistentvolumeclaim "${name}" is being deleted` };
    const pv = pvc.spec?.volumeName ? st.volumes(pvc.spec.volumeName) : undefined;
    if (pvc.status?.phase === 'Bound' && pv) {
      bound.push(pv);
      continue;
    }
    if (pvc.spec?.volumeName) {
      waiting.push(pvc);
      continue;
    }
    const className = claimClass(pvc, st.classes);
    const sc = st.classes.find((c) => c.metadata?.name === className);
    if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') return { message: 'pod has unbound immediate PersistentVolumeClaims' };
    waiting.push(pvc);
  }
  return { bound, waiting };
}

/** Filter: why `node` cannot take the pod's volumes, or undefined when it can. */
export function volumeConflict(claims: PodClaims, node: Node): string | undefined {
  const name = node.metadata?.name ?? '';
  const pinnedElsewhere = claims.waiting.some((c) => {
    const selected = c.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    return selected !== undefined && selected !== name;
  });
  if (pinnedElsewhere || claims.bound.some((pv) => !volumeAllowsNode(pv, node))) return 'node(s) had volume node affinity conflict';
  return undefined;
}

/** The waiting claims that still need `node` as their selected node. */
export function claimsToSelect(claims: PodClaims, node: string): PersistentVolumeClaim[] {
  return claims.waiting.filter((c) => !c.spec?.volumeName && c.metadata?.annotations?.[SELECTED_NODE_ANNOTATION] !== node);
}
