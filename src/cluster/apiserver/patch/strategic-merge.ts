/**
 * Strategic merge patch as k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server
 * (StrategicMergeMapPatch with parallel-list merging and unmatched nulls ignored): lists merge by
 * their patchMergeKey, scalar lists as sets, and the directives `$patch` (replace/delete/merge),
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and `$retainKeys` are honoured.
 */
import type { StatusError } from '../../../api/meta/index.js';
import { goFormat, patchInternal, patchRejected, patchUndecodable } from './errors.js';
import { isObject, pruneNulls as discardNulls } from './merge-patch.js';
import { fieldOf, type FieldSchema, type StructSchema } from './schema.js';

type Obj = Record<string, unknown>;

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderPrefix = '$setElementOrder/';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList/';

/** Upstream's sentinel errors, with the status each becomes in interpretStrategicMergePatchError. */
const errs = {
  noListOfLists: (): StatusError => patchRejected('lists of lists are not supported'),
  badPrimitiveList: (): StatusError => patchUndecodable('invalid patch format of primitive list'),
  badRetainKeys: (): StatusError => patchUndecodable('invalid patch format of retainKeys'),
  badSetElementOrder: (): StatusError => patchUndecodable('invalid patch format of setElementOrder list'),
  badPatchType: (t: unknown, m: Obj): StatusError => patchInternal(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`),
  noMergeKey: (m: Obj, k: string): StatusError => patchInternal(`map: ${goFormat(m)} does not contain declared merge key: ${k}`),
};

type Kind = 'map' | 'list' | 'scalar' | 'null';
const kindOf = (v: unknown): Kind => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'list' : isObject(v) ? 'map' : 'scalar');

/** Two scalars (or merge-key values) equal as Go's interface `==` compares them. */
const same = (a: unknown, b: unknown): boolean => a === b;

function handleDirectiveInMergeMap(directive: unknown, patch: Obj): Obj {
  if (directive === 'replace') {
    const { [directiveMarker]: _drop, ...rest } = patch;
    return rest;
  }
  if (directive === 'delete') return {};
  throw errs.badPatchType(directive, patch);
}

function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!(retainKeysDirective in patch)) return;
  const keep = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(keep)) throw errs.badRetainKeys();
  const set = new Set(keep);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListPrefix) || k.startsWith(setElementOrderPrefix)) continue;
    if (!set.has(k)) throw errs.badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!set.has(k)) delete original[k];
}

function elementKind(...lists: unknown[][]): Kind | undefined {
  let kind: Kind | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'list') throw errs.noListOfLists();
        kind = k;
      } else if (k !== kind) {
        throw patchInternal(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  return kind;
}

function indexIn(list: readonly unknown[], v: unknown, mergeKey: string, kind: Kind | undefined): number {
  if (kind === 'map' && mergeKey) return list.findIndex((x) => isObject(x) && same(x[mergeKey], (v as Obj)[mergeKey]));
  if (kind === 'map') return list.findIndex((x) => JSON.stringify(x) === JSON.stringify(v)); // no key: whole items
  return list.findIndex((x) => same(x, v));
}

/** Stable sort of `toSort` by position in `order`; items missing from `order` keep their relative place first. */
function normalizeSliceOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: Kind | undefined): unknown[] {
  if (kind === 'map') {
    for (const x of [...toSort, ...order]) if (isObject(x) && !(mergeKey in x)) throw errs.noMergeKey(x, mergeKey);
  }
  const pos = (x: unknown): number => indexIn(order, x, mergeKey, kind);
  return toSort
    .map((x, i) => ({ x, i, p: pos(x) }))
    .sort((a, b) => (a.p < 0 || b.p < 0 ? (a.p < 0 && b.p < 0 ? a.i - b.i : a.p < 0 ? -1 : 1) : a.p - b.p || a.i - b.i))
    .map((e) => e.x);
}

/** mergeSortedSlice: interleave server-only items (left) into patch items (right) by live order. */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: Kind | undefined): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Splits merged items into those present in `patch` and the server-only rest, then orders both. */
function enforceOrder(merged: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: Kind | undefined): unknown[] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const x of merged) (indexIn(patchOrder, x, mergeKey, kind) >= 0 ? inPatch : serverOnly).push(x);
  const p = normalizeSliceOrder(inPatch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as Obj;
    if (!(directiveMarker in m)) {
      plain.push(v);
      continue;
    }
    const t = m[directiveMarker];
    if (t === 'delete') {
      if (!(mergeKey in m)) throw errs.noMergeKey(m, mergeKey);
      orig = orig.filter((x) => !(isObject(x) && same(x[mergeKey], m[mergeKey])));
    } else if (t === 'replace') replace = true;
    else if (t === 'merge') throw patchInternal('merging lists cannot yet be specified in the patch');
    else throw errs.badPatchType(t, m);
  }
  return replace ? [plain, []] : [orig, plain];
}

function mergeSlice(original: unknown[], patch: unknown[], f: FieldSchema, name: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const mergeKey = f.mergeKey ?? '';
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((x) => !patch.some((p) => same(p, x)));
    const merged: unknown[] = [];
    for (const x of [...original, ...patch]) if (!merged.some((m) => same(m, x))) merged.push(x);
    return enforceOrder(merged, patch, original, '', kind);
  }
  if (!mergeKey) throw patchInternal(`cannot merge lists without merge key for ${name}`);
  const [orig, plain] = mergeSliceWithSpecialElements(original, patch, mergeKey);
  const merged = [...orig];
  for (const v of plain) {
    const m = v as Obj;
    if (!(mergeKey in m)) throw errs.noMergeKey(m, mergeKey);
    const at = merged.findIndex((x) => isObject(x) && same(x[mergeKey], m[mergeKey]));
    if (at >= 0) merged[at] = mergeMap(merged[at] as Obj, m, f.fields);
    else merged.push(v);
  }
  return enforceOrder(merged, plain, orig, mergeKey, kind);
}

/** mergeSliceHandler: merge when the field's strategy says so, otherwise the patch list replaces. */
function mergeField(cur: unknown[], patchV: unknown[], f: FieldSchema, name: string, isDeleteList: boolean): unknown[] {
  return f.merge ? mergeSlice(cur, patchV, f, name, isDeleteList) : patchV;
}

/** Checks that patch items appear in the `$setElementOrder` list in the same relative order. */
function validateSetOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  const items = patchList.filter((x) => !(isObject(x) && directiveMarker in x));
  let p = 0;
  for (let s = 0; p < items.length && s < order.length; s++) {
    const a = items[p];
    const b = order[s];
    const eq = mergeKey ? isObject(a) && isObject(b) && same(a[mergeKey], b[mergeKey]) : same(a, b);
    if (eq) p++;
  }
  if (p < items.length) {
    throw patchInternal(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${goFormat(order)}\n`);
  }
}

/** mergePatchIntoOriginal: merges each list named by a `$setElementOrder/<list>` and orders it by that list. */
function mergeOrderedLists(original: Obj, patch: Obj, schema: StructSchema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const order = patch[key];
    delete patch[key];
    const name = key.slice(setElementOrderPrefix.length);
    if (!Array.isArray(order)) throw errs.badSetElementOrder();
    const f = fieldOf(schema, name);
    const mergeKey = f.mergeKey ?? '';
    const hasOrig = name in original && original[name] !== null;
    const hasPatch = name in patch && patch[name] !== null;
    const origList = hasOrig ? original[name] : [];
    const patchList = hasPatch ? patch[name] : [];
    if (!Array.isArray(origList) || !Array.isArray(patchList)) throw errs.badSetElementOrder();
    validateSetOrder(patchList, order, mergeKey);
    let merged: unknown[];
    if (hasOrig && !hasPatch) merged = origList;
    else if (!hasOrig && hasPatch) merged = patchList.filter((x) => !(isObject(x) && directiveMarker in x));
    else if (hasOrig && hasPatch) merged = mergeField(origList, patchList, f, name, false);
    else continue;
    const kind = elementKind(origList, patchList);
    original[name] = enforceOrder(merged, order, origList, mergeKey, kind);
    delete patch[name];
  }
}

function mergeMap(original: Obj | undefined, patchIn: Obj, schema: StructSchema | undefined): Obj {
  const patch: Obj = { ...patchIn };
  if (directiveMarker in patch) return handleDirectiveInMergeMap(patch[directiveMarker], patch);
  const out: Obj = { ...(original ?? {}) };
  applyRetainKeys(out, patch);
  mergeOrderedLists(out, patch, schema);
  for (const [rawKey, patchV] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(deleteFromPrimitiveListPrefix);
    const k = isDeleteList ? rawKey.slice(deleteFromPrimitiveListPrefix.length) : rawKey;
    if (isDeleteList && !Array.isArray(patchV)) throw errs.badPrimitiveList();
    if (patchV === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (!(k in out) || kindOf(cur) !== kindOf(patchV)) {
      if (!isDeleteList) out[k] = discardNulls(patchV);
      continue;
    }
    const f = fieldOf(schema, k);
    if (isObject(cur)) out[k] = mergeMap(cur, patchV as Obj, f.fields);
    else if (Array.isArray(cur)) out[k] = mergeField(cur, patchV as unknown[], f, k, isDeleteList);
    else out[k] = patchV;
  }
  return out;
}

const isDirectiveKey = (k: string): boolean =>
  k === directiveMarker || k === retainKeysDirective || k.startsWith(setElementOrderPrefix) || k.startsWith(deleteFromPrimitiveListPrefix);

/**
 * Drops directive keys that upstream's typed decoding would discard (e.g. inside newly added
 * values). Copy on write: a value without directives is returned as it is (no copy).
 */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = stripDirectives(x);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  if (!isObject(v)) return v;
  let out: Obj | undefined;
  for (const k in v) {
    if (isDirectiveKey(k)) {
      out ??= { ...v };
      delete out[k];
      continue;
    }
    const x = v[k];
    const y = stripDirectives(x);
    if (y !== x) (out ??= { ...v })[k] = y;
  }
  return out ?? v;
}

/**
 * StrategicMergeMapPatch: a new object; throws the StatusError kube-apiserver answers with.
 * Neither argument is changed; the result shares the values the patch leaves alone with
 * `original` (and values it adds with `patch`), so callers copy before changing it (the server's
 * update loop does), as they may be frozen.
 */
export function applyStrategicMergePatch<T extends object>(original: T, patch: unknown, schema: StructSchema): T {
  if (patch === null) return structuredClone(original);
  if (!isObject(patch)) {
    throw patchUndecodable(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
  }
  const merged = mergeMap(original as Obj, patch, schema);
  return stripDirectives(merged) as T;
}
