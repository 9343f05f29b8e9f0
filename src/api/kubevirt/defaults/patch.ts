/** RFC 6902 JSON patch from an object to its defaulted form: what the mutating webhook answers with. */
import fastJsonPatch from 'fast-json-patch';

export type JSONPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

type Json = Record<string, unknown> | unknown[];

function keysOf(o: Json): string[] {
  if (!Array.isArray(o)) return Object.keys(o);
  const keys = new Array<string>(o.length);
  for (let i = 0; i < o.length; i++) keys[i] = String(i);
  return keys;
}
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const escape = (k: string): string => (k.includes('/') || k.includes('~') ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k);
/** A value as JSON would carry it (fast-json-patch clones through JSON: undefined becomes null). */
const asJson = (v: unknown): unknown => (v === undefined ? null : v);

/** fast-json-patch's compare walk (same operations, same order), without cloning the values it emits. */
function generate(before: Json, afterIn: Json, out: JSONPatchOperation[], path: string): void {
  if (afterIn === before) return;
  const after = (typeof (afterIn as { toJSON?: unknown }).toJSON === 'function' ? (afterIn as { toJSON: () => Json }).toJSON() : afterIn) as Json & Record<string, unknown>;
  const mirror = before as Json & Record<string, unknown>;
  const newKeys = keysOf(after);
  const oldKeys = keysOf(mirror);
  let deleted = false;
  for (let t = oldKeys.length - 1; t >= 0; t--) {
    const key = oldKeys[t]!;
    const oldVal = mirror[key];
    if (hasOwn(after, key) && !(after[key] === undefined && oldVal !== undefined && !Array.isArray(after))) {
      const newVal = after[key];
      if (typeof oldVal === 'object' && oldVal !== null && typeof newVal === 'object' && newVal !== null && Array.isArray(oldVal) === Array.isArray(newVal)) {
        generate(oldVal as Json, newVal as Json, out, `${path}/${escape(key)}`);
      } else if (oldVal !== newVal) {
        out.push({ op: 'replace', path: `${path}/${escape(key)}`, value: asJson(newVal) });
      }
    } else if (Array.isArray(mirror) === Array.isArray(after)) {
      out.push({ op: 'remove', path: `${path}/${escape(key)}` });
      deleted = true;
    } else {
      out.push({ op: 'replace', path, value: after });
    }
  }
  if (!deleted && newKeys.length === oldKeys.length) return;
  for (const key of newKeys) {
    if (!hasOwn(mirror, key) && after[key] !== undefined) out.push({ op: 'add', path: `${path}/${escape(key)}`, value: after[key] });
  }
}

/**
 * The operations that turn `before` into `after` (empty when they are equal), as fast-json-patch's
 * `compare` lists them; values are `after`'s own (not copies): serialise the patch before changing it.
 */
export function jsonPatchDiff(before: unknown, after: unknown): JSONPatchOperation[] {
  const out: JSONPatchOperation[] = [];
  generate(before as Json, after as Json, out, '');
  return out;
}

/** Applies `ops` to a copy of `doc` (used by tests and by callers replaying a webhook's answer). */
export function applyJSONPatch<T>(doc: T, ops: readonly JSONPatchOperation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(doc), ops as fastJsonPatch.Operation[], true, false).newDocument;
}
