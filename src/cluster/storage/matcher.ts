// The PV controller's matching rules (pure): which existing PersistentVolume may bind a claim
// (class, capacity, access modes, volume mode, label selector, node affinity, pre-binding),
// preferring the smallest volume that fits, as kube-controller-manager's FindMatchingVolume does.
import { matchesLabelSelector } from '../../api/kubevirt/label-selector.js';
import { quantityValue } from '../../api/kubevirt/quantity.js';
import { termMatches } from '../scheduler/affinity.js';
import type { Node } from '../scheduler/types.js';
import { DEFAULT_CLASS_ANNOTATION, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './types.js';

/** The class a claim asks for: its storageClassName, or the default class's name when unset
 *  (null/"" mean "no class"). */
export function claimClass(pvc: PersistentVolumeClaim, classes: readonly StorageClass[]): string {
  const sc = pvc.spec?.storageClassName;
  if (sc !== undefined && sc !== null) return sc;
  if (sc === null) return '';
  return classes.find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')?.metadata?.name ?? '';
}

/** Bytes the claim requests (0 when unset). */
export function requestedBytes(pvc: PersistentVolumeClaim): number {
  return quantityValue(pvc.spec?.resources?.requests?.storage);
}

/** True when the PV's required node affinity admits the node (no affinity admits any node). */
export function volumeAllowsNode(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.length === 0 || terms.some((t) => termMatches(t, node));
}

/** Why pv cannot bind pvc, or undefined when it can. `node` restricts to volumes reachable there. */
export function mismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume, className: string, node?: Node): string | undefined {
  const ref = pv.spec?.claimRef;
  if (ref && (ref.name !== pvc.metadata?.name || ref.namespace !== pvc.metadata?.namespace || (ref.uid && ref.uid !== pvc.metadata?.uid))) return 'bound to another claim';
  if (pv.metadata?.deletionTimestamp) return 'being deleted';
  if (!ref && pv.status?.phase && pv.status.phase !== 'Available' && pv.status.phase !== 'Pending') return `phase ${pv.status.phase}`;
  if ((pv.spec?.storageClassName ?? '') !== className) return 'storageClassName differs';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return 'volumeMode differs';
  const modes = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.includes(m))) return 'accessModes not offered';
  if (quantityValue(pv.spec?.capacity?.storage) < requestedBytes(pvc)) return 'capacity too small';
  if (pvc.spec?.selector && !matchesLabelSelector(pvc.spec.selector, pv.metadata?.labels)) return 'selector does not match';
  if (node && !volumeAllowsNode(pv, node)) return 'node affinity conflict';
  return undefined;
}

/** The volume to bind: the claim's spec.volumeName if set and it fits; else a PV pre-bound to
 *  the claim; else the smallest fitting available PV. */
export function findMatchingVolume(pvc: PersistentVolumeClaim, pvs: readonly PersistentVolume[], className: string, node?: Node): PersistentVolume | undefined {
  const fits = pvs.filter((pv) => mismatch(pvc, pv, className, node) === undefined);
  const wanted = pvc.spec?.volumeName;
  if (wanted) return fits.find((pv) => pv.metadata?.name === wanted);
  const preBound = fits.find((pv) => pv.spec?.claimRef !== undefined);
  if (preBound) return preBound;
  return fits
    .filter((pv) => pv.spec?.claimRef === undefined)
    .sort((a, b) => quantityValue(a.spec?.capacity?.storage) - quantityValue(b.spec?.capacity?.storage) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}
