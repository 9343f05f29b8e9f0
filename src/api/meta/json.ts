/**
 * Deep copies and equalities of JSON data, one module for the whole code base. Two equalities:
 * `jsonDeepEqual` (strict, as util.isDeepStrictEqual: a key set to undefined is a key) and
 * `jsonEqual` (equal as serialised: what JSON.stringify leaves out does not count, key order
 * aside). Two copies: `copyJson` (a plain walk, for data decoded from the wire) and
 * `jsonRoundTrip` (through JSON text, for values that may hold Dates or undefined keys).
 * The walks are many times cheaper than structuredClone and util.isDeepStrictEqual on hot paths.
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

/** A copy through JSON text: what JSON.stringify would send (Dates as strings, undefined keys gone). */
export function jsonRoundTrip<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** JSON with object keys sorted, so equal objects compare equal whatever their key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : val,
  );
}

/** A value JSON.stringify leaves out of objects (and writes as null in arrays). */
const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

const hasToJson = (v: object): boolean => typeof (v as { toJSON?: unknown }).toJSON === 'function';

/**
 * canonical(a) === canonical(b), without building either string: JSON values equal whatever their
 * key order (a key set to undefined counts as absent), stopping at the first difference.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || hasToJson(a) || hasToJson(b)) {
    return canonical(a) === canonical(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (!jsonEqual(omitted(x) ? null : x, omitted(y) ? null : y)) return false;
    }
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k of Object.keys(ao)) {
    const x = ao[k];
    if (omitted(x)) continue;
    n++;
    const y = Object.prototype.hasOwnProperty.call(bo, k) ? bo[k] : undefined;
    if (omitted(y) || !jsonEqual(x, y)) return false;
  }
  for (const k of Object.keys(bo)) if (!omitted(bo[k])) n--;
  return n === 0;
}
