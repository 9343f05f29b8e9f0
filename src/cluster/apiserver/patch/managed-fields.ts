/**
 * metadata.managedFields in memory: one field set per manager identity (manager, operation,
 * apiVersion for updates, subresource), decoded from and encoded to FieldsV1 entries in the order
 * kube-apiserver keeps them, and the conflict error it returns for a refused apply.
 */
import { StatusError, type ManagedFieldsEntry, type StatusCause } from '../../../api/meta/index.js';
import { FieldSet, pathString, type Path } from './fieldset.js';

/** One managedFields entry in memory: its identity, time and owned set. */
export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string;
  time?: string;
  set: FieldSet;
}

/** BuildManagerIdentifier: what makes two entries the same manager (appliers ignore apiVersion). */
export function identity(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The JSON of { manager, operation, apiVersion?, subresource? }, written out: every write computes it per entry.
  let id = `{"manager":${JSON.stringify(m.manager)},"operation":${JSON.stringify(m.operation)}`;
  if (m.operation === 'Update' && m.apiVersion) id += `,"apiVersion":${JSON.stringify(m.apiVersion)}`;
  if (m.subresource) id += `,"subresource":${JSON.stringify(m.subresource)}`;
  return `${id}}`;
}

/** Managers by identity, from an object's managedFields (entries of one identity are united). */
export function decodeManagers(entries: readonly ManagedFieldsEntry[] | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  for (const e of entries ?? []) {
    if (!e.manager && !e.operation && !e.fieldsV1) continue;
    const m: Manager = {
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    const id = identity(m);
    const prev = out.get(id);
    if (prev) prev.set = prev.set.union(m.set);
    else out.set(id, m);
  }
  return out;
}

/** Entries for metadata.managedFields: empty sets dropped; Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagers(managers: Iterable<Manager>): ManagedFieldsEntry[] {
  const list = [...managers].filter((m) => !m.set.empty());
  const secs = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      secs(p.time) - secs(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

/** printManager: `"kubectl"`, `"kube-controller-manager" using apps/v1`, `... with subresource "status"`. */
export function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** metav1.Time as the API server writes it: RFC 3339, whole seconds, UTC. */
export const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/** errors.NewApplyConflict with one FieldManagerConflict cause per field, worded as kube-apiserver words it. */
export function applyConflict(conflicts: ReadonlyMap<string, { manager: Manager; set: FieldSet }>): StatusError {
  const ids = [...conflicts.keys()].sort();
  const all: { m: Manager; path: Path }[] = [];
  for (const id of ids) {
    const c = conflicts.get(id);
    if (c) for (const p of c.set.paths()) all.push({ m: c.manager, path: p });
  }
  const causes: StatusCause[] = all.map(({ m, path }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(m)}`,
    field: pathString(path),
  }));
  let message: string;
  const first = all[0];
  if (all.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(first.m)}: ${pathString(first.path)}`;
  } else {
    const lines: string[] = [];
    for (const id of ids) {
      const c = conflicts.get(id);
      if (!c) continue;
      lines.push(`conflicts with ${printManager(c.manager)}:`);
      for (const p of c.set.paths()) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${all.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** Update managers kept before the oldest are merged (kube-apiserver's DefaultMaxUpdateManagers). */
export const maxUpdateManagers = 10;
/** The manager name merged old updates are kept under. */
export const ancientChangesManager = 'ancient-changes';

/**
 * capManagersManager: when more than maxUpdateManagers Update entries exist, the oldest are merged,
 * per apiVersion, into an "ancient-changes" entry until the cap holds.
 */
export function capUpdateManagers(managers: Map<string, Manager>): Map<string, Manager> {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update' && !m.set.empty());
  if (updaters.length <= maxUpdateManagers) return managers;
  const secs = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  updaters.sort(([ia, a], [ib, b]) => secs(a.time) - secs(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, m] of updaters) {
    if (count <= maxUpdateManagers) break;
    const first = firstByVersion.get(m.apiVersion);
    if (first === undefined) {
      firstByVersion.set(m.apiVersion, id);
      continue;
    }
    const bucket: Manager = { manager: ancientChangesManager, operation: 'Update', apiVersion: m.apiVersion, set: new FieldSet() };
    const bucketId = identity(bucket);
    const existing = managers.get(bucketId) ?? managers.get(first);
    managers.delete(first);
    managers.set(bucketId, { ...bucket, set: (existing?.set ?? new FieldSet()).union(m.set), ...(m.time ? { time: m.time } : {}) });
    firstByVersion.set(m.apiVersion, bucketId);
    managers.delete(id);
    count--;
  }
  return managers;
}
