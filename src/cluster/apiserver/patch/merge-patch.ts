/**
 * JSON merge patch (RFC 7386) as evanphx/json-patch's MergePatch applies it for kube-apiserver:
 * objects merge key by key, `null` deletes, anything else (arrays included) replaces, and nulls
 * inside newly added values are pruned.
 */
import { patchUndecodable } from './errors.js';

type Obj = Record<string, unknown>;

/** A plain JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes null-valued keys from objects, recursively (array elements stay, their objects are pruned). */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
  return out;
}

function mergeDocs(doc: Obj, patch: Obj): Obj {
  const out: Obj = { ...doc };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (cur === undefined || cur === null) out[k] = pruneNulls(v);
    else if (!isObject(cur)) out[k] = pruneNulls(v);
    else if (!isObject(v)) out[k] = v;
    else out[k] = mergeDocs(cur, v);
  }
  return out;
}

/**
 * Applies a merge patch to an object, returning a new object: the objects on merged paths are
 * copies, the rest is `doc`'s own (shared, never changed), and nothing is the patch's. A patch that
 * is not a JSON object is refused with 400 "Invalid JSON Patch" (jsonpatch.ErrBadJSONPatch).
 */
export function applyMergePatch<T extends object>(doc: T, patch: unknown): T {
  if (!isObject(patch)) throw patchUndecodable('Invalid JSON Patch');
  return mergeDocs(doc as Obj, structuredClone(patch)) as T;
}
