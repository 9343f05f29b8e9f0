/** RFC 6902 JSON patch from an object to its defaulted form: what the mutating webhook answers with. */
import fastJsonPatch from 'fast-json-patch';

export type JSONPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** The operations that turn `before` into `after` (empty when they are equal). */
export function jsonPatchDiff(before: unknown, after: unknown): JSONPatchOperation[] {
  return fastJsonPatch.compare(before as object, after as object) as JSONPatchOperation[];
}

/** Applies `ops` to a copy of `doc` (used by tests and by callers replaying a webhook's answer). */
export function applyJSONPatch<T>(doc: T, ops: readonly JSONPatchOperation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(doc), ops as fastJsonPatch.Operation[], true, false).newDocument;
}
