/**
 * Re-checking an object against a checked one: pruning, defaulting and validation skip every
 * subtree that is the very object the reference holds at the same path (a webhook's copy-on-write
 * patch of an object checked already); and on updates, validation skips subtrees equal to the old
 * object's, as upstream's CRD validation ratcheting ignores errors of unchanged fields.
 */
import { jsonDeepEqual } from '../../../api/meta/json.js';

/**
 * `same`: the reference passed pruneAndDefault and validate of the same schema and its shared
 * subtrees were not changed since: all checks skip them. `equal`: the reference is the old object
 * of an update: validation skips subtrees equal to its own (list items are not correlated).
 */
export type ReferenceKind = 'same' | 'equal';

let current: { readonly obj: object; readonly ref: object; readonly kind: ReferenceKind } | undefined;

/**
 * Runs `fn` (synchronous) while `obj`'s checks may skip what it shares with `checked` (see
 * ReferenceKind). Root metadata (set by the server after validation) is never skipped.
 */
export function withCheckedReference<T>(obj: object, checked: object, fn: () => T, kind: ReferenceKind = 'same'): T {
  const prev = current;
  current = { obj, ref: { ...checked, metadata: undefined }, kind };
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** The reference of `obj` while withCheckedReference runs for it (for pruning and defaulting: only a `same` one). */
export function referenceOf(obj: unknown, use: 'validate' | 'default'): unknown {
  if (current === undefined || current.obj !== obj) return undefined;
  return use === 'validate' || current.kind === 'same' ? current.ref : undefined;
}

/** The reference's value at key or index `k` (list items are correlated by identity only). */
export function refAt(ref: unknown, k: string | number): unknown {
  if (typeof ref !== 'object' || ref === null) return undefined;
  if (Array.isArray(ref) && current?.kind === 'equal') return undefined;
  return (ref as Record<string | number, unknown>)[k];
}

/**
 * Whether the checks of `x` can be skipped for the reference's `ref` at its path: the same value
 * (objects: the same object; for `equal` references, an equal one). Checks are context-free: the
 * same value at the same path under the same schema gives the same answer.
 */
export function isChecked(x: unknown, ref: unknown): boolean {
  if (ref === undefined) return false;
  if (x === ref) return true;
  return current?.kind === 'equal' && typeof x === 'object' && x !== null && jsonDeepEqual(x, ref);
}
