/**
 * The status kube-apiserver's CRD controllers maintain: acceptedNames and the NamesAccepted
 * condition (names already accepted by another CRD of the same group conflict), Established,
 * and storedVersions. The embedded server serves a CRD as soon as its names are accepted, so
 * Established goes True in the same step (upstream's establishing controller does it a moment later).
 */
import type { KubeObject } from '../../../api/meta/index.js';
import { crdSpec, type CrdNames } from './crd-types.js';

/** A CustomResourceDefinitionCondition (NamesAccepted, Established). */
export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The CRD status fields this module computes. */
export interface CrdStatus {
  acceptedNames: CrdNames;
  conditions: CrdCondition[];
  storedVersions: string[];
}

function statusOf(crd: KubeObject): Partial<CrdStatus> {
  const s = crd['status'];
  return typeof s === 'object' && s !== null ? (s) : {};
}

/** Names (resources and kinds) accepted by the other CRDs of `group`. */
function usedNames(group: string, self: string, others: readonly KubeObject[]): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.metadata?.name === self || crdSpec(o).group !== group) continue;
    const n = statusOf(o).acceptedNames ?? {};
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  return { resources, kinds };
}

const inUse = (requested: string, accepted: string | undefined, used: Set<string>): string | undefined =>
  requested === accepted || !used.has(requested) ? undefined : `${JSON.stringify(requested)} is already in use`;

function acceptNames(requested: CrdNames, accepted: CrdNames, used: { resources: Set<string>; kinds: Set<string> }): { names: CrdNames; conflict?: { reason: string; message: string } } {
  const names: CrdNames = { ...accepted };
  let conflict: { reason: string; message: string } | undefined;
  const check = (field: 'plural' | 'singular' | 'kind' | 'listKind', reason: string, pool: Set<string>): void => {
    const err = inUse(requested[field] ?? '', accepted[field], pool);
    if (err) conflict = { reason, message: err };
    else if (requested[field] !== undefined) names[field] = requested[field];
  };
  check('plural', 'PluralConflict', used.resources);
  check('singular', 'SingularConflict', used.resources);
  if (JSON.stringify(requested.shortNames ?? []) !== JSON.stringify(accepted.shortNames ?? [])) {
    const mine = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter((s) => !mine.has(s)).map((s) => inUse(s, '', used.resources)).filter((e): e is string => e !== undefined);
    if (errs.length > 0) conflict = { reason: 'ShortNamesConflict', message: errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]` };
    else names.shortNames = requested.shortNames ?? [];
  }
  check('kind', 'KindConflict', used.kinds);
  check('listKind', 'ListKindConflict', used.kinds);
  if (requested.categories) names.categories = requested.categories;
  return conflict ? { names, conflict } : { names };
}

function setCondition(list: readonly CrdCondition[], c: CrdCondition, now: string): CrdCondition[] {
  const old = list.find((x) => x.type === c.type);
  const next = { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  return old ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

/** The CRD's status after naming and establishing, given every stored CRD (`all` may include `crd`). */
export function computeCrdStatus(crd: KubeObject, all: readonly KubeObject[], now: string): CrdStatus {
  const spec = crdSpec(crd);
  const prev = statusOf(crd);
  const used = usedNames(spec.group ?? '', crd.metadata?.name ?? '', all);
  const { names, conflict } = acceptNames(spec.names ?? {}, prev.acceptedNames ?? {}, used);
  let conditions = prev.conditions ?? [];
  conditions = setCondition(
    conditions,
    conflict
      ? { type: 'NamesAccepted', status: 'False', reason: conflict.reason, message: conflict.message }
      : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
    now,
  );
  const wasEstablished = (prev.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  if (!wasEstablished) {
    conditions = setCondition(
      conditions,
      conflict
        ? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }
        : { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      now,
    );
  }
  const storage = (spec.versions ?? []).find((v) => v.storage === true)?.name;
  const storedVersions = [...(prev.storedVersions ?? [])];
  if (storage && !storedVersions.includes(storage)) storedVersions.push(storage);
  return { acceptedNames: names, conditions, storedVersions };
}
