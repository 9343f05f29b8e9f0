/**
 * Applies a webhook's JSON patch in place on a document the caller owns. The usual operations
 * (add, replace, remove on existing containers) are applied directly; anything else, and any
 * operation that would fail, is left to fast-json-patch on a fresh copy of the original, so
 * results and error messages stay exactly fast-json-patch's.
 */
import fastJsonPatch from 'fast-json-patch';

type Container = Record<string, unknown> | unknown[];
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
/** An array index as RFC 6901 writes it: digits without a leading zero. */
const isIndex = (k: string): boolean => /^(0|[1-9]\d*)$/.test(k);
const unescape = (k: string): string => (k.includes('~') ? k.replace(/~1/g, '/').replace(/~0/g, '~') : k);

/** Applies one plain operation; false (document untouched) when it needs fast-json-patch. */
function applyPlain(doc: Container, op: fastJsonPatch.Operation): boolean {
  if ((op.op !== 'add' && op.op !== 'replace' && op.op !== 'remove') || typeof op.path !== 'string' || !op.path.startsWith('/')) return false;
  if (op.op !== 'remove' && (op as { value?: unknown }).value === undefined) return false;
  const keys = op.path.slice(1).split('/').map(unescape);
  let parent: Container = doc;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return false;
    const child: unknown = Array.isArray(parent) ? (isIndex(k) ? parent[Number(k)] : undefined) : hasOwn(parent, k) ? parent[k] : undefined;
    if (!isContainer(child)) return false;
    parent = child;
  }
  const last = keys[keys.length - 1]!;
  if (last === '__proto__' || last === 'constructor' || last === 'prototype') return false;
  const value = (op as { value?: unknown }).value;
  if (Array.isArray(parent)) {
    if (op.op === 'add' && last === '-') return parent.push(value) > 0;
    if (!isIndex(last)) return false;
    const i = Number(last);
    if (op.op === 'add') {
      if (i > parent.length) return false;
      parent.splice(i, 0, value);
      return true;
    }
    if (i >= parent.length || parent[i] === undefined) return false;
    if (op.op === 'replace') parent[i] = value;
    else parent.splice(i, 1);
    return true;
  }
  if (op.op !== 'add' && (!hasOwn(parent, last) || parent[last] === undefined)) return false;
  if (op.op === 'remove') delete parent[last];
  else parent[last] = value;
  return true;
}

/**
 * `original` with `patch` applied, built on `copy` (a deep copy of `original` the caller gives
 * away). Throws fast-json-patch's errors when the patch does not apply.
 */
export function applyWebhookPatch<T extends object>(original: T, copy: T, patch: fastJsonPatch.Operation[]): T {
  for (const op of patch) {
    if (!isContainer(op) || !applyPlain(copy as Container, op)) {
      // Some operation needs the general path: redo the whole patch there (nothing above touched `original`).
      return fastJsonPatch.applyPatch(JSON.parse(JSON.stringify(original)) as T, patch, true, true).newDocument;
    }
  }
  return copy;
}
