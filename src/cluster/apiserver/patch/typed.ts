/**
 * Objects seen through their patch schema, as structured-merge-diff's typed package sees them:
 * the field set an object sets, the comparison of two objects, the apply merge of a config into
 * a live object, and the removal of a set of fields.
 */
import { isObject } from './merge-patch.js';
import { FieldSet, field, keyOf, valueOf, type Path, type PathElement } from './fieldset.js';
import { fieldOf, listTypeOf, type FieldSchema, type StructSchema } from './schema.js';
import { pathString } from './fieldset.js';

type Obj = Record<string, unknown>;

/** An object that does not fit its schema (e.g. a list-map element without its key). */
export class TypedError extends Error {}

/** The path element naming one element of a keyed or set list. */
function itemElement(item: unknown, f: FieldSchema, path: Path, index: number): PathElement {
  const lt = listTypeOf(f);
  if (lt.type === 'set') return valueOf(item);
  if (lt.type !== 'map') throw new TypedError(`${pathString(path)}: element ${index}: not an associative list`);
  if (!isObject(item)) throw new TypedError(`${pathString(path)}: element ${index}: expected map, got ${JSON.stringify(item)}`);
  const key: Obj = {};
  for (const k of lt.keys) {
    const v = item[k] ?? f.keyDefaults?.[k];
    if (v === undefined || v === null) {
      throw new TypedError(
        `${pathString(path)}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
      );
    }
    key[k] = v;
  }
  return keyOf(key);
}

/** Schema of the entries of a struct/map node: a map's entries share the map's element fields. */
const entrySchema = (fields: StructSchema | undefined, isMap: boolean, k: string): FieldSchema =>
  isMap ? (fields ? { fields } : {}) : fieldOf(fields, k);

const isEmptyObject = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;

/**
 * Inserts the fields `v` sets below `path`. `whole` marks a value added or removed as a whole (a
 * comparison), where maps are members themselves too (their `.` in FieldsV1), as upstream reports.
 */
function walkValue(v: unknown, f: FieldSchema, path: Path, set: FieldSet, whole = false): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    const lt = listTypeOf(f);
    if (lt.type === 'atomic') set.insert(path);
    else {
      v.forEach((item, i) => {
        const p = [...path, itemElement(item, f, path, i)];
        if (lt.type === 'map') walkFields(item as Obj, f.fields, false, p, set, whole);
        set.insert(p);
      });
    }
  } else if (isObject(v)) {
    if (f.atomic) set.insert(path);
    else walkFields(v, f.fields, f.map === true, path, set, whole);
  } else set.insert(path);
}

function walkFields(v: Obj, fields: StructSchema | undefined, isMap: boolean, path: Path, set: FieldSet, whole = false): void {
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const p = [...path, field(k)];
    const f = entrySchema(fields, isMap, k);
    walkValue(x, f, p, set, whole);
    if (x === null || isEmptyObject(x) || isMap || (whole && f.map === true)) set.insert(p);
  }
}

/** ToFieldSet: every field the object sets (struct nodes with children are not members themselves). */
export function toFieldSet(obj: Obj, schema: StructSchema): FieldSet {
  const set = new FieldSet();
  walkFields(obj, schema, false, [], set);
  return set;
}

/** Everything under `path` in `v`, plus `path` itself when it is a member (items, entries, maps, leaves). */
function addAll(v: unknown, f: FieldSchema, path: Path, entry: boolean, target: FieldSet): void {
  walkValue(v, f, path, target, true);
  if (v === null || entry || f.map === true || isEmptyObject(v)) target.insert(path);
}

/** Fields added, changed and removed between two objects. */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // Loops, not every() with closures: this runs on most of every written object.
  let n = 0;
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual((a as Obj)[k], (b as Obj)[k])) return false;
    n++;
  }
  for (const _k in b) n--;
  return n === 0;
}

function indexItems(list: unknown[], f: FieldSchema, path: Path): Map<PathElement, unknown> {
  const m = new Map<PathElement, unknown>();
  list.forEach((item, i) => m.set(itemElement(item, f, path, i), item));
  return m;
}

function compareList(a: unknown[], b: unknown[], f: FieldSchema, path: Path, out: Comparison): void {
  const lt = listTypeOf(f);
  if (lt.type === 'atomic') {
    if (!deepEqual(a, b)) out.modified.insert(path);
    return;
  }
  const ia = indexItems(a, f, path);
  const ib = indexItems(b, f, path);
  const item: FieldSchema = f.fields ? { fields: f.fields } : {};
  for (const [pe, x] of ib) {
    const p = [...path, pe];
    const y = ia.get(pe);
    if (y === undefined) addAll(x, lt.type === 'map' ? item : {}, p, true, out.added);
    else if (lt.type === 'map') compareFields(y as Obj, x as Obj, f.fields, false, p, out);
  }
  for (const [pe, y] of ia) if (!ib.has(pe)) addAll(y, lt.type === 'map' ? item : {}, [...path, pe], true, out.removed);
}

function compareValue(a: unknown, b: unknown, f: FieldSchema, path: Path, entry: boolean, out: Comparison): void {
  // Equal values differ in nothing (a shared or unchanged subtree: most of a big object on most writes).
  if (a === b || (a !== undefined && b !== undefined && typeof a === 'object' && typeof b === 'object' && deepEqual(a, b))) return;
  if (a === undefined) return addAll(b, f, path, entry, out.added);
  if (b === undefined) return addAll(a, f, path, entry, out.removed);
  if (Array.isArray(a) && Array.isArray(b)) return compareList(a, b, f, path, out);
  if (isObject(a) && isObject(b)) {
    if (f.atomic) {
      if (!deepEqual(a, b)) out.modified.insert(path);
      return;
    }
    return compareFields(a, b, f.fields, f.map === true, path, out);
  }
  if (deepEqual(a, b)) return;
  out.modified.insert(path);
  // A value that changed shape: nobody keeps owning what was below it.
  const below = new FieldSet();
  walkValue(a, f, path, below);
  out.removed.insert(path);
  for (const p of below.paths()) if (p.length > path.length) out.removed.insert(p);
}

function compareFields(a: Obj, b: Obj, fields: StructSchema | undefined, isMap: boolean, path: Path, out: Comparison): void {
  // Keys of a, then those only b has (the order of a Set of both, without building it).
  for (const k in a) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    compareValue(x, y, entrySchema(fields, isMap, k), [...path, field(k)], isMap, out);
  }
  for (const k in b) {
    if (Object.prototype.hasOwnProperty.call(a, k)) continue;
    compareValue(undefined, b[k], entrySchema(fields, isMap, k), [...path, field(k)], isMap, out);
  }
}

/** Compare: fields added, modified (scalars and atomics that changed) and removed from `a` to `b`. */
export function compareObjects(a: Obj, b: Obj, schema: StructSchema): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareFields(a, b, schema, false, [], out);
  return out;
}

/**
 * Merges list items by element key in structured-merge-diff's order: live-only items keep their
 * place, config items come in config order, and shared items move to where the config puts them.
 */
function mergeItems(l: unknown[], c: unknown[], f: FieldSchema, path: Path, mergeItem: (a: unknown, b: unknown) => unknown): unknown[] {
  const lk = l.map((x, i) => itemElement(x, f, path, i));
  const ck = c.map((x, i) => itemElement(x, f, path, i));
  const inLive = new Map(lk.map((k, i) => [k, i]));
  const inConfig = new Set(ck);
  const shared = ck.filter((k) => inLive.has(k));
  let nextShared = 0;
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const takeConfig = (j: number): void => {
    const key = ck[j] as PathElement;
    const at = inLive.get(key);
    out.push(at !== undefined ? mergeItem(l[at], c[j]) : structuredClone(c[j]));
    merged.add(key);
    if (shared[nextShared] === key) nextShared++;
  };
  let i = 0;
  let j = 0;
  while (i < l.length || j < c.length) {
    if (i < l.length && j < c.length) {
      const key = lk[i] as PathElement;
      if (key === ck[j]) {
        takeConfig(j);
        i++;
        j++;
        continue;
      }
      if (inConfig.has(key) && nextShared < shared.length && shared[nextShared] !== key) {
        i++; // a shared item the config places later
        continue;
      }
    }
    if (i < l.length) {
      const key = lk[i] as PathElement;
      if (!inConfig.has(key)) {
        out.push(l[i]);
        i++;
        continue;
      }
      if (merged.has(key)) {
        i++;
        continue;
      }
    }
    if (j < c.length) {
      takeConfig(j);
      j++;
    } else i++;
  }
  return out;
}

function mergeValue(l: unknown, c: unknown, f: FieldSchema, path: Path): unknown {
  if (c === undefined) return l;
  if (c === null) return undefined;
  if (l === undefined || l === null) return structuredClone(c);
  if (isObject(l) && isObject(c) && !f.atomic) return mergeFields(l, c, f.fields, f.map === true, path);
  if (Array.isArray(l) && Array.isArray(c)) {
    const lt = listTypeOf(f);
    if (lt.type === 'atomic') return structuredClone(c);
    return mergeItems(l, c, f, path, (a, b) => (lt.type === 'map' ? mergeFields(a as Obj, b as Obj, f.fields, false, path) : b));
  }
  return structuredClone(c);
}

function mergeFields(l: Obj, c: Obj, fields: StructSchema | undefined, isMap: boolean, path: Path): Obj {
  const out: Obj = { ...l };
  for (const [k, cv] of Object.entries(c)) {
    const r = mergeValue(l[k], cv, entrySchema(fields, isMap, k), [...path, field(k)]);
    if (r === undefined) delete out[k];
    else out[k] = r;
  }
  return out;
}

/** Merge: the config's fields applied over the live object (maps and keyed lists merge, the rest replaces). */
export function mergeObjects(live: Obj, config: Obj, schema: StructSchema): Obj {
  return mergeFields(live, config, schema, false, []);
}

function removeFrom(v: unknown, set: FieldSet, f: FieldSchema, isMap: boolean, path: Path): unknown {
  if (Array.isArray(v)) {
    const lt = listTypeOf(f);
    if (lt.type === 'atomic') return v;
    const out: unknown[] = [];
    v.forEach((item, i) => {
      const pe = itemElement(item, f, path, i);
      if (set.members.has(pe)) return;
      const sub = set.children.get(pe);
      out.push(sub && lt.type === 'map' ? removeFrom(item, sub, { fields: f.fields }, false, [...path, pe]) : item);
    });
    return out;
  }
  if (!isObject(v)) return v;
  const out: Obj = { ...v };
  for (const k of Object.keys(v)) {
    const pe = field(k);
    if (set.members.has(pe)) {
      delete out[k];
      continue;
    }
    const sub = set.children.get(pe);
    const childF = isMap ? (f.fields ? { fields: f.fields } : {}) : fieldOf(f.fields, k);
    if (sub) out[k] = removeFrom(v[k], sub, childF, childF.map === true, [...path, pe]);
  }
  return out;
}

/** RemoveItems: the object without the members of `set` (and what is below them). */
export function removeFields(obj: Obj, set: FieldSet, schema: StructSchema): Obj {
  return removeFrom(obj, set, { fields: schema }, false, []) as Obj;
}
