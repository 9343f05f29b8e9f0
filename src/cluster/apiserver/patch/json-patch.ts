/**
 * JSON patch (RFC 6902) with the semantics and messages of the library kube-apiserver uses
 * (gopkg.in/evanphx/json-patch.v4): pointers are resolved and checked here, so every failure reads
 * as upstream's, and the resulting operations are applied with fast-json-patch. v4 quirks kept on
 * purpose: `replace` of a missing object key adds it, negative array indices count from the end,
 * `copy` from a missing object key copies null.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { StatusError, tooLarge } from '../../../api/meta/index.js';
import { patchRejected, patchUndecodable } from './errors.js';

/** kube-apiserver's cap on operations in one JSON patch. */
export const maxJSONPatchOperations = 10000;

type Container = Record<string, unknown> | unknown[];

class OpError extends Error {}

const missing = (msg: string): OpError => new OpError(`${msg}: missing value`);
const badIndex = (idx: number | string): OpError => new OpError(`Unable to access invalid index: ${idx}: invalid index referenced`);

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');
const encodeKey = (k: string): string => jsonpatch.escapePathComponent(k);

/** strconv.Atoi, with Go's error text. */
function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

interface Located {
  readonly con: Container;
  readonly key: string;
  /** JSON pointer of the container, for building the operation given to fast-json-patch. */
  readonly base: string;
}

/** findObject: the container holding the last path element, or undefined when a step is missing. */
function locate(doc: Container, path: string): Located | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: unknown = doc;
  let base = '';
  for (const raw of split.slice(1, -1)) {
    const part = decodeKey(raw);
    let next: unknown;
    try {
      next = get(cur as Container, part);
    } catch {
      return undefined;
    }
    if (!isContainer(next)) return undefined;
    base += `/${encodeKey(Array.isArray(cur) ? String(arrayIndex(cur, part, cur.length)) : part)}`;
    cur = next;
  }
  return { con: cur as Container, key: decodeKey(split[split.length - 1] ?? ''), base };
}

/** An index into an array of length `len` (negative counts from the end), or an OpError. */
function arrayIndex(arr: readonly unknown[], key: string, len: number): number {
  const idx = atoi(key);
  if (idx >= len || idx < -len) throw badIndex(idx);
  return idx < 0 ? idx + len : idx;
}

/** partialDoc.get / partialArray.get: a missing object key is undefined (not an error). */
function get(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[arrayIndex(con, key, con.length)];
  return Object.prototype.hasOwnProperty.call(con, key) ? con[key] : undefined;
}

function addOp(l: Located, value: unknown): Operation {
  if (Array.isArray(l.con)) {
    if (l.key === '-') return { op: 'add', path: `${l.base}/-`, value };
    let idx: number;
    try {
      idx = arrayIndex(l.con, l.key, l.con.length + 1);
    } catch (e) {
      if (e instanceof OpError && e.message.startsWith('strconv')) throw new OpError(`value was not a proper array index: '${l.key}': ${e.message}`);
      throw e;
    }
    return { op: 'add', path: `${l.base}/${idx}`, value };
  }
  return { op: 'add', path: `${l.base}/${encodeKey(l.key)}`, value };
}

function removeOp(l: Located): Operation {
  if (Array.isArray(l.con)) return { op: 'remove', path: `${l.base}/${arrayIndex(l.con, l.key, l.con.length)}` };
  if (!Object.prototype.hasOwnProperty.call(l.con, l.key)) throw missing(`Unable to remove nonexistent key: ${l.key}`);
  return { op: 'remove', path: `${l.base}/${encodeKey(l.key)}` };
}

function wrap<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${prefix}: ${e.message}`);
    throw e;
  }
}

type RawOp = Record<string, unknown>;

function str(op: RawOp, field: 'path' | 'from'): string | undefined {
  const v = op[field];
  return typeof v === 'string' ? v : undefined;
}

/** Turns one raw operation into fast-json-patch operations against `doc`, or throws OpError. */
function plan(doc: Container, op: RawOp): Operation[] {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const path = str(op, 'path');
  const from = str(op, 'from');
  const pathMissing = 'operation missing path field: missing value';
  const fromMissing = 'operation, missing from field: missing value';
  switch (kind) {
    case 'add': {
      if (path === undefined) throw missing('add operation failed to decode path');
      const l = locate(doc, path);
      if (!l) throw missing(`add operation does not apply: doc is missing path: "${path}"`);
      return [wrap(`error in add for path: '${path}'`, () => addOp(l, op.value ?? null))];
    }
    case 'remove': {
      if (path === undefined) throw missing('remove operation failed to decode path');
      const l = locate(doc, path);
      if (!l) throw missing(`remove operation does not apply: doc is missing path: "${path}"`);
      return [wrap(`error in remove for path: '${path}'`, () => removeOp(l))];
    }
    case 'replace': {
      if (path === undefined) throw new OpError(`replace operation failed to decode path: ${pathMissing}`);
      const l = locate(doc, path);
      if (!l) throw missing(`replace operation does not apply: doc is missing path: ${path}`);
      if (!Array.isArray(l.con)) return [{ op: 'add', path: `${l.base}/${encodeKey(l.key)}`, value: op.value ?? null }];
      let idx: number;
      try {
        idx = arrayIndex(l.con, l.key, l.con.length);
      } catch {
        throw missing(`replace operation does not apply: doc is missing key: ${path}`);
      }
      return [{ op: 'replace', path: `${l.base}/${idx}`, value: op.value ?? null }];
    }
    case 'test': {
      if (path === undefined) throw new OpError(`test operation failed to decode path: ${pathMissing}`);
      const l = locate(doc, path);
      if (!l) throw missing(`test operation does not apply: is missing path: ${path}`);
      const val = wrap(`error in test for path: '${path}'`, () => get(l.con, l.key));
      const want = op.value ?? null;
      if ((val ?? null) === null && want === null) return [];
      if (val === undefined || val === null || !jsonpatch._areEquals(val, want)) {
        throw new OpError(`testing value ${path} failed: test failed`);
      }
      return [];
    }
    case 'move':
    case 'copy': {
      if (from === undefined) throw new OpError(`${kind} operation failed to decode from: ${fromMissing}`);
      const src = locate(doc, from);
      if (!src) throw missing(`${kind} operation does not apply: doc is missing from path: ${from}`);
      const getPrefix = kind === 'move' ? `error in move for path: '${src.key}'` : `error in copy for from: '${from}'`;
      const val = wrap(getPrefix, () => get(src.con, src.key)) ?? null;
      const ops: Operation[] = [];
      if (kind === 'move') ops.push(wrap(`error in move for path: '${src.key}'`, () => removeOp(src)));
      if (path === undefined) {
        throw kind === 'move' ? new OpError(`move operation failed to decode path: ${pathMissing}`) : missing('copy operation failed to decode path');
      }
      // The destination is resolved after the source is gone, as upstream does for move.
      const scratch = ops.length > 0 ? (jsonpatch.applyOperation(jsonpatch.deepClone(doc), ops[0] as Operation, false, true).newDocument as Container) : doc;
      const dst = locate(scratch, path);
      if (!dst) throw missing(`${kind} operation does not apply: doc is missing destination path: ${path}`);
      const addPrefix = kind === 'move' ? `error in move for path: '${path}'` : 'error while adding value during copy';
      ops.push(wrap(addPrefix, () => addOp(dst, jsonpatch.deepClone(val))));
      return ops;
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/** The JSON kind names encoding/json uses in its UnmarshalTypeError messages. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Decodes a JSON patch body the way DecodePatch does: an array of objects, or 400. */
function decodePatch(patch: unknown): RawOp[] {
  if (patch === null) return []; // JSON null decodes to an empty patch
  if (!Array.isArray(patch)) {
    throw patchUndecodable(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  }
  return patch.map((op) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw patchUndecodable(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
    return op as RawOp;
  });
}

/** Applies a JSON patch to a copy of `doc`; throws the StatusError kube-apiserver answers with. */
export function applyJsonPatch<T>(doc: T, patch: unknown): T {
  const ops = decodePatch(patch);
  if (ops.length > maxJSONPatchOperations) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${ops.length}`);
  }
  let cur = jsonpatch.deepClone(doc) as Container;
  for (const op of ops) {
    try {
      for (const o of plan(cur, op)) cur = jsonpatch.applyOperation(cur, o, false, true).newDocument;
    } catch (e) {
      if (e instanceof StatusError) throw e;
      if (e instanceof OpError) throw patchRejected(e.message);
      throw patchRejected((e as Error).message);
    }
  }
  return cur as T;
}
