/**
 * metadata.managedFields in memory: one field set per manager identity (manager, operation,
 * apiVersion for updates, subresource), decoded from and encoded to FieldsV1 entries in the order
 * kube-apiserver keeps them, and the conflict error it returns for a refused apply.
 */
import { StatusError, type ManagedFieldsEntry, type StatusCause } from '../../../api/meta/index.js';
import { FieldSet, comparePE, pathString, type Path } from './fieldset.js';

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
  // Every write computes it per entry, for the same few managers: remembered by their fields.
  const key = `${m.operation}:${m.manager.length}:${m.manager}${m.apiVersion.length}:${m.apiVersion}${m.subresource ?? ''}`; // lengths: unambiguous
  let id = identities.get(key);
  if (id === undefined) {
    if (identities.size >= 1000) identities.clear();
    identities.set(key, (id = identityOf(m)));
  }
  return id;
}

const identities = new Map<string, string>();

function identityOf(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The JSON of { manager, operation, apiVersion?, subresource? }, written out.
  let id = `{"manager":${JSON.stringify(m.manager)},"operation":${JSON.stringify(m.operation)}`;
  if (m.operation === 'Update' && m.apiVersion) id += `,"apiVersion":${JSON.stringify(m.apiVersion)}`;
  if (m.subresource) id += `,"subresource":${JSON.stringify(m.subresource)}`;
  return `${id}}`;
}

/** True when `v` is an object with no own keys. */
function isEmptyObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  for (const _k in v) return false;
  return true;
}

/**
 * True when `v` is exactly what FieldSet.toFieldsV1 writes for the set it decodes to: keys in
 * comparePE order, `.` first and only beside children, leaves `{}`. Such an entry can be written
 * back as it is while its manager's set does not change.
 */
export function isCanonicalFieldsV1(v: unknown, root = true): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  let prev: string | undefined;
  let dot = false;
  let first = true;
  let children = 0;
  for (const k in v) {
    const sub = (v as Record<string, unknown>)[k];
    if (k === '.') {
      if (root || !first || !isEmptyObject(sub)) return false;
      dot = true;
      first = false;
      continue;
    }
    first = false;
    if (prev !== undefined && comparePE(prev, k) >= 0) return false;
    prev = k;
    children++;
    if (!isCanonicalFieldsV1(sub, false)) return false;
  }
  return !dot || children > 0;
}

/**
 * A manager read from a canonical managedFields entry: its FieldSet is decoded only when read, and
 * until it is replaced, the entry's FieldsV1 is written back as it is (most writes leave most
 * managers' sets alone; decoding and encoding them was most of managedFields' cost for big objects).
 */
class StoredManager implements Manager {
  private decoded: FieldSet | undefined;
  private replaced = false;
  readonly subresource?: string;

  constructor(
    readonly manager: string,
    readonly operation: 'Apply' | 'Update',
    readonly apiVersion: string,
    subresource: string | undefined,
    public time: string | undefined,
    private readonly source: Readonly<Record<string, unknown>>,
  ) {
    if (subresource) this.subresource = subresource;
  }

  get set(): FieldSet {
    return (this.decoded ??= FieldSet.fromFieldsV1(this.source));
  }

  set set(s: FieldSet) {
    this.decoded = s;
    this.replaced = true;
  }

  /** The entry's FieldsV1 while the set is the one it encodes. */
  get untouched(): Readonly<Record<string, unknown>> | undefined {
    return this.replaced ? undefined : this.source;
  }
}

const untouched = (m: Manager): Readonly<Record<string, unknown>> | undefined => (m instanceof StoredManager ? m.untouched : undefined);

/** The canonical FieldsV1 a manager's set is while it is unchanged from a stored entry (its encoding, no decode needed). */
export const storedFieldsV1 = untouched;

/** `m` (its identity) with time `time` owning the set canonical FieldsV1 `v` encodes, written back as it is. */
export function managerWithFieldsV1(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>, time: string | undefined, v: Readonly<Record<string, unknown>>): Manager {
  return new StoredManager(m.manager, m.operation, m.apiVersion, m.subresource, time, v);
}

/** True when a manager owns nothing (such entries are dropped). */
export function managerEmpty(m: Manager): boolean {
  const src = untouched(m);
  return src ? isEmptyObject(src) : m.set.empty();
}

/** True when a manager owns a member of `s` (m.set.intersects(s), without decoding a stored entry). */
export function managerOverlaps(m: Manager, s: FieldSet): boolean {
  const src = untouched(m);
  return src ? s.intersectsFieldsV1(src) : m.set.intersects(s);
}

/** Frozen FieldsV1 objects found canonical (the store's entries are deep-frozen and shared by its reads). */
const canonicalFrozen = new WeakSet<object>();

/** isCanonicalFieldsV1, remembered for frozen objects (each write decodes the live object's entries again). */
function isCanonicalStored(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (canonicalFrozen.has(v)) return true;
  if (!isCanonicalFieldsV1(v)) return false;
  if (Object.isFrozen(v)) canonicalFrozen.add(v);
  return true;
}

/** Managers by identity, from an object's managedFields (entries of one identity are united). */
export function decodeManagers(entries: readonly ManagedFieldsEntry[] | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  for (const e of entries ?? []) {
    if (!e.manager && !e.operation && !e.fieldsV1) continue;
    const operation = e.operation === 'Apply' ? 'Apply' : 'Update';
    const subresource = e.subresource ? e.subresource : undefined;
    const m: Manager = isCanonicalStored(e.fieldsV1)
      ? new StoredManager(e.manager ?? '', operation, e.apiVersion ?? '', subresource, e.time ? e.time : undefined, e.fieldsV1 as Record<string, unknown>)
      : {
          manager: e.manager ?? '',
          operation,
          apiVersion: e.apiVersion ?? '',
          ...(subresource ? { subresource } : {}),
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

const secondsOf = new Map<string, number>();

/** A manager's time in whole seconds (remembered: the same few times are parsed on every write). */
function seconds(t?: string): number {
  if (!t) return 0;
  let s = secondsOf.get(t);
  if (s === undefined) {
    if (secondsOf.size >= 1000) secondsOf.clear();
    secondsOf.set(t, (s = Math.floor(Date.parse(t) / 1000)));
  }
  return s;
}
const cmpText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries for metadata.managedFields: empty sets dropped; Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagers(managers: Iterable<Manager>): ManagedFieldsEntry[] {
  const list: { m: Manager; secs: number }[] = [];
  for (const m of managers) if (!managerEmpty(m)) list.push({ m, secs: seconds(m.time) });
  list.sort(
    ({ m: p, secs: ps }, { m: q, secs: qs }) =>
      cmpText(p.operation, q.operation) ||
      ps - qs ||
      cmpText(p.manager, q.manager) ||
      cmpText(p.apiVersion, q.apiVersion) ||
      cmpText(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map(({ m }) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: untouched(m) ?? m.set.toFieldsV1(),
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

let lastSecond = NaN;
let lastText = '';

/** metav1.Time as the API server writes it: RFC 3339, whole seconds, UTC (formatted once per second). */
export function rfc3339(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

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
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update' && !managerEmpty(m));
  if (updaters.length <= maxUpdateManagers) return managers;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
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
