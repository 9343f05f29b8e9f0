/**
 * Server-side apply and managed-field tracking for updates, after kube-apiserver's fieldmanager
 * over structured-merge-diff: appliers own the fields of their config, changing a field owned by
 * another manager is a conflict unless forced, fields an applier stops sending are removed when
 * nobody else owns them, and every other write (Update) moves ownership of what it changed.
 */
import { badRequest, type KubeObject, type ManagedFieldsEntry } from '../../../api/meta/index.js';
import type { ApplyResult, ResourceInfo } from '../contracts.js';
import { patchInternal } from './errors.js';
import { FieldSet, field } from './fieldset.js';
import { lastAppliedFieldSet, kubectlManager, syncLastApplied } from './last-applied.js';
import { editFieldsV1 } from './fieldsv1-edit.js';
import { applyConflict, capUpdateManagers, decodeManagers, encodeManagers, identity, managerOverlaps, managerWithFieldsV1, rfc3339, storedFieldsV1, type Manager } from './managed-fields.js';
import { isObject } from './merge-patch.js';
import { schemaFor, type StructSchema } from './schema.js';
import { TypedError, compareObjects, mergeObjects, removeFields, toFieldSet, type Comparison } from './typed.js';

type Obj = Record<string, unknown>;

/** Identity and server-set fields no manager owns (fieldmanager's stripMetaManager). */
const stripped = FieldSet.of(
  [field('apiVersion')],
  [field('kind')],
  [field('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (n) => [field('metadata'), field(n)],
  ),
);

/** Manager name kube-apiserver gives to fields an object had before its first apply. */
export const beforeFirstApplyManager = 'before-first-apply';

const groupVersion = (info: ResourceInfo): string => (info.group ? `${info.group}/${info.version}` : info.version);

/** Fields a write through `subresource` may not own: status for the main resource (when it has a status subresource), all but status through /status. */
function ignoredFields(info: ResourceInfo, subresource: string | undefined, ...objs: (Obj | undefined)[]): FieldSet {
  if (!subresource) return info.subresources.includes('status') ? FieldSet.of([field('status')]) : new FieldSet();
  if (subresource !== 'status') return new FieldSet();
  const keys: string[] = [];
  for (const o of objs) for (const k in o) if (k !== 'status' && k !== 'metadata' && !keys.includes(k)) keys.push(k);
  // The same few top-level keys on every status write of a kind: one set per list of them (sets are not changed once built).
  const key = JSON.stringify(keys);
  let set = statusIgnored.get(key);
  if (!set) {
    if (statusIgnored.size >= 100) statusIgnored.clear();
    statusIgnored.set(key, (set = FieldSet.of(...keys.map((k) => [field(k)]))));
  }
  return set;
}

const statusIgnored = new Map<string, FieldSet>();

/** A copy without metadata.managedFields, which no comparison may see. */
function withoutManagedFields(obj: KubeObject | undefined): Obj {
  if (!obj) return {};
  const copy = structuredClone(obj) as Obj;
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** The object as comparisons see it (no metadata.managedFields), sharing everything else: read only. */
function comparable(obj: KubeObject | undefined): Obj {
  if (!obj) return {};
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** True when a canonical FieldsV1 holds nothing owned() would drop (no stripped member, nothing under an ignored field). */
function ownsOnly(v: Readonly<Record<string, unknown>>, ignored: FieldSet): boolean {
  if (stripped.intersectsFieldsV1(v) || ignored.children.size > 0) return false;
  for (const m of ignored.members) if (Object.prototype.hasOwnProperty.call(v, m)) return false;
  return true;
}

const isEmptyFieldsV1 = (v: Readonly<Record<string, unknown>>): boolean => {
  for (const _k in v) return false;
  return true;
};

/** What a manager may own of `s`: no identity or server-set fields, nothing under an ignored field. */
function owned(s: FieldSet, ignored: FieldSet): FieldSet {
  const kept = s.difference(stripped);
  return ignored.members.size === 0 && ignored.children.size === 0 ? kept : kept.recursiveDifference(ignored);
}

function cleanComparison(c: Comparison, ignored: FieldSet): Comparison {
  return { added: owned(c.added, ignored), modified: owned(c.modified, ignored), removed: owned(c.removed, ignored) };
}

function typed<T>(info: ResourceInfo, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypedError) {
      const gvk = `${info.group}/${info.version}, Kind=${info.kind}`;
      throw patchInternal(`failed to create typed patch object (${gvk}): ${e.message}`);
    }
    throw e;
  }
}

/** True when every entry is empty (`managedFields: [{}]`), the documented way to reset them. */
const isReset = (entries: readonly ManagedFieldsEntry[] | undefined): boolean =>
  entries !== undefined && entries.length > 0 && entries.every((e) => Object.keys(e).length === 0);

/** True when a set has no member and no child (cheaper than empty() for the sets compare builds). */
const isEmptySet = (s: FieldSet): boolean => s.members.size === 0 && s.children.size === 0;

/** What the patch module depends on: a clock for managedFields times, and optionally schemas. */
export interface PatchDeps {
  now(): Date;
  /** The patch schema of a resource; defaults to the built-in table (CRDs: see schemaFromOpenAPIV3). */
  schemaOf?(info: ResourceInfo): StructSchema | undefined;
}

const schemaOf = (info: ResourceInfo, deps: PatchDeps): StructSchema => deps.schemaOf?.(info) ?? schemaFor(info.group, info.kind);

/** Managed fields after a non-apply write (create, update, patch, subresource write) by `manager`. */
export function updateManagedFields(
  info: ResourceInfo,
  oldObj: KubeObject | undefined,
  newObj: KubeObject,
  manager: string,
  subresource: string | undefined,
  deps: PatchDeps,
): ManagedFieldsEntry[] {
  const sent = newObj.metadata?.managedFields;
  if (isReset(sent)) return [];
  const base = sent && sent.length > 0 ? sent : oldObj?.metadata?.managedFields;
  const managers = decodeManagers(base);
  const before = comparable(oldObj);
  const after = comparable(newObj);
  const schema = schemaOf(info, deps);
  const ignored = ignoredFields(info, subresource, before, after);
  const cmp = cleanComparison(typed(info, () => compareObjects(before, after, schema)), ignored);
  const me: Manager = {
    manager,
    operation: 'Update',
    apiVersion: newObj.apiVersion ?? groupVersion(info),
    ...(subresource ? { subresource } : {}),
    set: new FieldSet(),
  };
  const myId = identity(me);
  // Read only from here on, so no copy is made when one side is empty (a create modifies nothing).
  const changed = isEmptySet(cmp.modified) ? cmp.added : isEmptySet(cmp.added) ? cmp.modified : cmp.modified.union(cmp.added);
  for (const [id, m] of managers) {
    // Most writes touch few fields: a manager owning none of them keeps its set as it is.
    if (id === myId || !(managerOverlaps(m, changed) || managerOverlaps(m, cmp.removed))) continue;
    const src = storedFieldsV1(m);
    // A stored entry loses the fields by an edit of its JSON (no decode and re-encode of the whole set).
    if (src) managers.set(id, managerWithFieldsV1(m, m.time, editFieldsV1(editFieldsV1(src, changed, undefined), cmp.removed, undefined)));
    else m.set = m.set.difference(changed).difference(cmp.removed);
  }
  const prev = managers.get(myId);
  // As upstream, the time moves only when this write changed fields (removals alone keep it).
  const touched = !changed.empty();
  const time = touched ? rfc3339(deps.now()) : prev?.time;
  const src = prev && storedFieldsV1(prev);
  if (src && ownsOnly(src, ignored)) {
    // The same set as below, by an edit of the stored entry's JSON: `changed` and `removed` are owned() already.
    const v1 = editFieldsV1(editFieldsV1(src, cmp.removed, undefined), undefined, changed);
    if (isEmptyFieldsV1(v1)) managers.delete(myId);
    else managers.set(myId, managerWithFieldsV1(me, time, v1));
    return encodeManagers(capUpdateManagers(managers).values());
  }
  const kept = prev && !prev.set.empty() ? prev.set.difference(cmp.removed) : undefined;
  const set = owned(kept ? kept.union(changed) : changed, ignored);
  if (!set.empty()) managers.set(myId, { ...me, set, ...(time ? { time } : {}) });
  else managers.delete(myId);
  return encodeManagers(capUpdateManagers(managers).values());
}

function checkApplyConfig(info: ResourceInfo, applied: KubeObject): void {
  if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const want = groupVersion(info);
  if (applied.apiVersion !== want) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${applied.apiVersion ?? ''}, expected: ${want}`);
  }
}

/** Fields the applier dropped from its config that no manager (the applier included) still owns. */
function prunable(last: FieldSet, managers: Map<string, Manager>): FieldSet {
  let all = new FieldSet();
  for (const m of managers.values()) all = all.union(m.set);
  const out = new FieldSet();
  for (const p of last.paths()) if (!all.hasPrefix(p)) out.insert(p);
  return out;
}

type Conflicts = Map<string, { manager: Manager; set: FieldSet }>;

/** Options of one apply: the field manager, force, and the subresource applied through (if any). */
export interface ApplyOptions {
  readonly manager: string;
  readonly force: boolean;
  readonly subresource?: string;
}

/** The part of an apply config a write may change: status only through /status, no status on the main resource when /status exists. */
function applicablePart(info: ResourceInfo, applied: KubeObject, subresource: string | undefined): Obj {
  const config = structuredClone(applied) as Obj;
  if (subresource === 'status') {
    for (const k of Object.keys(config)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete config[k];
  } else if (!subresource && info.subresources.includes('status')) delete config.status;
  return config;
}

/** One apply attempt: the new object and managers, or the conflicts that stop it (never when forced). */
function applyOnce(
  info: ResourceInfo,
  live: KubeObject | undefined,
  applied: KubeObject,
  opts: ApplyOptions,
  now: string,
  schema: StructSchema,
): { object: Obj; managers: Map<string, Manager> } | { conflicts: Conflicts } {
  const liveObj = withoutManagedFields(live);
  const config = applicablePart(info, applied, opts.subresource);
  const ignored = ignoredFields(info, opts.subresource, liveObj, config);
  const managers = decodeManagers(live?.metadata?.managedFields);
  if (live && managers.size === 0) {
    const existing = owned(typed(info, () => toFieldSet(liveObj, schema)), ignored);
    if (!existing.empty()) {
      const bfa: Manager = { manager: beforeFirstApplyManager, operation: 'Update', apiVersion: live.apiVersion ?? groupVersion(info), time: now, set: existing };
      managers.set(identity(bfa), bfa);
    }
  }
  const me: Manager = {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion ?? groupVersion(info),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    time: now,
    set: new FieldSet(),
  };
  const myId = identity(me);
  const last = managers.get(myId)?.set;
  me.set = owned(typed(info, () => toFieldSet(config, schema)), ignored);
  managers.set(myId, me);
  let merged = typed(info, () => mergeObjects(liveObj, config, schema));
  if (last) merged = typed(info, () => removeFields(merged, prunable(last.difference(me.set), managers), schema));
  const cmp = cleanComparison(typed(info, () => compareObjects(liveObj, merged, schema)), ignored);
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflicts = new Map();
  for (const [id, m] of managers) {
    if (id === myId) continue;
    const c = m.set.intersection(changed);
    if (!c.empty()) conflicts.set(id, { manager: m, set: c });
  }
  if (conflicts.size > 0 && !opts.force) return { conflicts };
  for (const [id, m] of managers) if (id !== myId) m.set = m.set.difference(changed).difference(cmp.removed);
  return { object: merged, managers };
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: create). Throws 409 on conflicts
 * unless `force`. For the manager "kubectl", as kube-apiserver does, conflicts on fields recorded in
 * the client-side last-applied annotation are allowed (upgrading from client-side apply), and that
 * annotation, when present, is kept in sync with the applied config.
 */
export function serverSideApply(
  info: ResourceInfo,
  live: KubeObject | undefined,
  applied: KubeObject,
  opts: ApplyOptions,
  deps: PatchDeps,
): ApplyResult {
  checkApplyConfig(info, applied);
  const now = rfc3339(deps.now());
  const schema = schemaOf(info, deps);
  let res = applyOnce(info, live, applied, opts, now, schema);
  if ('conflicts' in res && opts.manager === kubectlManager) {
    const allowed = lastAppliedFieldSet(live, (o) => owned(toFieldSet(o, schema), new FieldSet()));
    const remaining: Conflicts = new Map();
    for (const [id, c] of res.conflicts) {
      const rest = c.set.difference(allowed);
      if (!rest.empty()) remaining.set(id, { manager: c.manager, set: rest });
    }
    res = remaining.size === 0 ? applyOnce(info, live, applied, { ...opts, force: true }, now, schema) : { conflicts: remaining };
  }
  if ('conflicts' in res) throw applyConflict(res.conflicts);
  const object = res.object as KubeObject;
  if (opts.manager === kubectlManager) syncLastApplied(live, applied, object);
  const managedFields = encodeManagers(capUpdateManagers(res.managers).values());
  object.metadata = { ...(object.metadata ?? {}), managedFields };
  return { object, managedFields };
}
