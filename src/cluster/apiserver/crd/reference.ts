/**
 * Re-checking an object against a checked one it shares subtrees with (a webhook's copy-on-write
 * patch of it): pruning, defaulting and validation skip every subtree that is the very object the
 * reference holds at the same path, as it was pruned, defaulted and found valid already.
 */

let current: { readonly obj: object; readonly ref: object } | undefined;

/**
 * Runs `fn` (synchronous) while `obj`'s checks may skip what it shares with `checked`: an object
 * that passed pruneAndDefault and validate of the same schema, and whose shared subtrees were not
 * changed since. Root metadata (set by the server after validation) is never skipped.
 */
export function withCheckedReference<T>(obj: object, checked: object, fn: () => T): T {
  const prev = current;
  current = { obj, ref: { ...checked, metadata: undefined } };
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** The checked reference of `obj` while withCheckedReference runs for it; undefined otherwise. */
export function referenceOf(obj: unknown): unknown {
  return current !== undefined && current.obj === obj ? current.ref : undefined;
}

/** The reference's value at key or index `k`. */
export function refAt(ref: unknown, k: string | number): unknown {
  return typeof ref === 'object' && ref !== null ? (ref as Record<string | number, unknown>)[k] : undefined;
}

/** Whether `x` is the reference's own subtree (a checked object or array): its checks can be skipped. */
export function isChecked(x: unknown, ref: unknown): boolean {
  return ref !== undefined && x === ref && typeof x === 'object' && x !== null;
}
