/**
 * Plain JSON data (objects, arrays, primitives, as decoded from the wire): a deep copy and a deep
 * equality, each a plain walk, many times cheaper than structuredClone and util.isDeepStrictEqual
 * (which handle any JS value) on the hot admission paths.
 */

/** A deep copy of plain objects and arrays (other values shared); undefined-valued keys kept, as structuredClone keeps them. */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => copyJson(v)) as T;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) out[k] = copyJson(src[k]);
  return out as T;
}

/**
 * util.isDeepStrictEqual for plain JSON data: the same own keys (an undefined-valued key is not a
 * missing one), arrays of the same length, primitives by Object.is.
 */
export function jsonDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonDeepEqual(a[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonDeepEqual(x[k], y[k])) return false;
  return true;
}
