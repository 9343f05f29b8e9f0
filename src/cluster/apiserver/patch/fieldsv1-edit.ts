/**
 * Edits of a canonical FieldsV1 object (as FieldSet.toFieldsV1 writes it) without decoding it: the
 * encoding of `(set - remove) ∪ add`, built on the old JSON and sharing every subtree the edit does
 * not reach. A write changes a few fields of a manager's set; decoding, copying and re-encoding the
 * whole set was most of an update's managed-fields cost.
 */
import { comparePE, type FieldSet } from './fieldset.js';

type V1 = Readonly<Record<string, unknown>>;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isLeaf(v: V1): boolean {
  for (const _k in v) return false;
  return true;
}

const touches = (s: FieldSet | undefined, k: string): boolean => s !== undefined && (s.members.has(k) || s.children.has(k));

/** The children part of an entry (without its `.`). */
function childrenOf(sub: V1): V1 {
  if (!hasOwn(sub, '.')) return sub;
  const out: Record<string, unknown> = {};
  for (const k in sub) if (k !== '.') out[k] = sub[k];
  return out;
}

/** The entry for member/children: `{}` (leaf member), `{".": {}, ...}` (member with children), the children, or undefined (nothing). */
function entry(member: boolean, children: V1): V1 | undefined {
  if (isLeaf(children)) return member ? {} : undefined;
  return member ? { '.': {}, ...children } : children;
}

/** The entry of key `k` edited, `sub` itself when unchanged, undefined when it no longer holds anything. */
function editEntry(sub: V1, k: string, remove: FieldSet | undefined, add: FieldSet | undefined): V1 | undefined {
  const wasMember = isLeaf(sub) || hasOwn(sub, '.');
  const member = (wasMember && !(remove?.members.has(k) ?? false)) || (add?.members.has(k) ?? false);
  const rc = remove?.children.get(k);
  const ac = add?.children.get(k);
  const kids = rc || ac ? editNode(sub, rc, ac) : undefined;
  if (kids === undefined && member === wasMember) return sub;
  return entry(member, kids ?? childrenOf(sub));
}

/** A new key's entry: only what `add` puts there. */
function newEntry(k: string, add: FieldSet): V1 | undefined {
  const c = add.children.get(k);
  return entry(add.members.has(k), c ? c.toFieldsV1() : {});
}

/** The children of node `v` edited (no `.`), or undefined when none changed. */
function editNode(v: V1, remove: FieldSet | undefined, add: FieldSet | undefined): V1 | undefined {
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (k === '.') continue;
    const sub = v[k] as V1;
    if (!touches(remove, k) && !touches(add, k)) {
      out[k] = sub;
      continue;
    }
    const e = editEntry(sub, k, remove, add);
    if (e !== sub) changed = true;
    if (e !== undefined) out[k] = e;
  }
  let added = false;
  if (add) {
    for (const k of add.members) {
      if (hasOwn(v, k)) continue;
      out[k] = newEntry(k, add);
      added = true;
    }
    for (const k of add.children.keys()) {
      if (hasOwn(v, k) || add.members.has(k)) continue;
      const e = newEntry(k, add);
      if (e === undefined) continue;
      out[k] = e;
      added = true;
    }
  }
  if (!added) return changed ? out : undefined;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(out).sort(comparePE)) sorted[k] = out[k];
  return sorted;
}

/**
 * The canonical FieldsV1 of `(decode(v) - remove) ∪ add` (difference as FieldSet.difference: member
 * by member), sharing `v`'s untouched subtrees; `v` itself when the set does not change. `v` must be
 * canonical (isCanonicalFieldsV1) and is not changed.
 */
export function editFieldsV1(v: V1, remove: FieldSet | undefined, add: FieldSet | undefined): V1 {
  return editNode(v, remove, add) ?? v;
}
