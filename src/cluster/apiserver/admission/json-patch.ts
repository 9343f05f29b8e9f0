/**
 * Applies a webhook's JSON patch copy-on-write: the usual operations (add, replace, remove on
 * existing containers) copy only the containers on their paths, so the result shares every
 * untouched subtree with the original (which is never changed). Anything else, and any operation
 * that would fail, is left to fast-json-patch on a fresh copy of the original, so results and
 * error messages stay exactly fast-json-patch's.
 */
import fastJsonPatch from 'fast-json-patch';

type Container = Record<string, unknown> | unknown[];
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
/** An array index as RFC 6901 writes it: digits without a leading zero. */
const isIndex = (k: string): boolean => /^(0|[1-9]\d*)$/.test(k);
const unescape = (k: string): string => (k.includes('~') ? k.replace(/~1/g, '/').replace(/~0/g, '~') : k);

const shallowCopy = (c: Container): Container => (Array.isArray(c) ? c.slice() : { ...c });

/**
 * Applies one plain operation to `doc` (owned), copying the containers it passes through that are
 * not in `owned` yet; false when it needs fast-json-patch (the original is untouched either way).
 */
function applyPlain(doc: Container, op: fastJsonPatch.Operation, owned: Set<Container>): boolean {
  if ((op.op !== 'add' && op.op !== 'replace' && op.op !== 'remove') || typeof op.path !== 'string' || !op.path.startsWith('/')) return false;
  if (op.op !== 'remove' && (op as { value?: unknown }).value === undefined) return false;
  const keys = op.path.slice(1).split('/').map(unescape);
  let parent: Container = doc;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return false;
    const child: unknown = Array.isArray(parent) ? (isIndex(k) ? parent[Number(k)] : undefined) : hasOwn(parent, k) ? parent[k] : undefined;
    if (!isContainer(child)) return false;
    if (owned.has(child)) {
      parent = child;
      continue;
    }
    const copy = shallowCopy(child);
    owned.add(copy);
    if (Array.isArray(parent)) parent[Number(k)] = copy;
    else parent[k] = copy;
    parent = copy;
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
 * `original` with `patch` applied; untouched subtrees of the result are `original`'s own (shared,
 * not copied), and `original` is never changed. Throws fast-json-patch's errors when the patch
 * does not apply.
 */
export function applyWebhookPatch<T extends object>(original: T, patch: fastJsonPatch.Operation[]): T {
  const root = shallowCopy(original as Container);
  const owned = new Set<Container>([root]);
  for (const op of patch) {
    if (!isContainer(op) || !applyPlain(root, op, owned)) {
      // Some operation needs the general path: redo the whole patch there (nothing above touched `original`).
      return fastJsonPatch.applyPatch(JSON.parse(JSON.stringify(original)) as T, patch, true, true).newDocument;
    }
  }
  return root as T;
}
