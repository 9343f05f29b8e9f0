/**
 * Small accessors for untyped object trees (built-in objects arrive as parsed JSON): read a
 * field as a record/array/string without casts scattered through validators and defaulters.
 */

export type Obj = Record<string, unknown>;

/** The value as a plain object, or undefined when it is not one. */
export function rec(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value as an array, or [] when it is not one. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The plain objects of an array value (other items skipped). */
export function recs(v: unknown): Obj[] {
  return arr(v).map(rec).filter((x): x is Obj => x !== undefined);
}

/** The value as a string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Sets o[key] = value when o[key] is undefined or null. */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** o[key] as a plain object, created (empty) when missing. */
export function child(o: Obj, key: string): Obj {
  const c = rec(o[key]);
  if (c) return c;
  const created: Obj = {};
  o[key] = created;
  return created;
}

/** A value as text: strings as they are, anything else as JSON (numbers, booleans, objects). */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? '';
}
