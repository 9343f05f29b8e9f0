/**
 * Codecs for the shared structures of remote_protocol.x: domain references, UUIDs, nullable
 * strings and virTypedParameter lists (used by stats, job info, guest info and migration).
 */
import { LibvirtError, VIR_ERR_INVALID_ARG } from './errors.js';
import { REMOTE_STRING_MAX, UUID_LEN } from './protocol.js';
import { XdrError, type XdrReader, type XdrWriter } from './xdr.js';

/** A domain as the protocol names it (remote_nonnull_domain). id is -1 when inactive. */
export interface DomainRef {
  readonly name: string;
  /** Canonical lowercase UUID string, e.g. 6f1c...-.... */
  readonly uuid: string;
  readonly id: number;
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Parses a textual UUID (with or without dashes) into its 16 bytes. */
export function uuidToBytes(uuid: string): Buffer {
  if (!UUID_RE.test(uuid)) {
    throw new LibvirtError({ code: VIR_ERR_INVALID_ARG, message: `invalid argument: malformed uuid element '${uuid}'` });
  }
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** Formats 16 UUID bytes as the canonical 8-4-4-4-12 lowercase string. */
export function uuidFromBytes(b: Uint8Array): string {
  if (b.length !== UUID_LEN) throw new XdrError(`uuid must be ${UUID_LEN} bytes, got ${b.length}`);
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function writeString(w: XdrWriter, s: string): void {
  w.string(s, REMOTE_STRING_MAX);
}

export function readString(r: XdrReader): string {
  return r.string(REMOTE_STRING_MAX);
}

/** remote_string: a string that may be NULL. */
export function writeOptString(w: XdrWriter, s: string | null | undefined): void {
  w.optional(s, (x, v) => x.string(v, REMOTE_STRING_MAX));
}

export function readOptString(r: XdrReader): string | null {
  return r.optional((x) => x.string(REMOTE_STRING_MAX));
}

export function writeDomain(w: XdrWriter, d: DomainRef): void {
  writeString(w, d.name);
  w.fixedOpaque(uuidToBytes(d.uuid), UUID_LEN);
  w.int(d.id);
}

export function readDomain(r: XdrReader): DomainRef {
  const name = readString(r);
  const uuid = uuidFromBytes(r.fixedOpaque(UUID_LEN));
  const id = r.int();
  return { name, uuid, id };
}

/** virTypedParameterType */
export const TypedParamType = {
  INT: 1,
  UINT: 2,
  LLONG: 3,
  ULLONG: 4,
  DOUBLE: 5,
  BOOLEAN: 6,
  STRING: 7,
} as const;
export type TypedParamTypeName = keyof typeof TypedParamType;

/** One virTypedParameter. 64-bit values decode as numbers (exact below 2^53). */
export type TypedParam =
  | { readonly field: string; readonly type: 'INT' | 'UINT' | 'DOUBLE'; readonly value: number }
  | { readonly field: string; readonly type: 'LLONG' | 'ULLONG'; readonly value: number | bigint }
  | { readonly field: string; readonly type: 'BOOLEAN'; readonly value: boolean }
  | { readonly field: string; readonly type: 'STRING'; readonly value: string };

/** Upper bound on typed parameter lists we accept from a server. */
const TYPED_PARAMS_MAX = 64 * 1024;

export function writeTypedParam(w: XdrWriter, p: TypedParam): void {
  writeString(w, p.field);
  w.int(TypedParamType[p.type]);
  switch (p.type) {
    case 'INT':
      w.int(p.value);
      return;
    case 'UINT':
      w.uint(p.value);
      return;
    case 'LLONG':
      w.hyper(p.value);
      return;
    case 'ULLONG':
      w.uhyper(p.value);
      return;
    case 'DOUBLE':
      w.double(p.value);
      return;
    case 'BOOLEAN':
      w.int(p.value ? 1 : 0);
      return;
    case 'STRING':
      writeString(w, p.value);
      return;
  }
}

export function readTypedParam(r: XdrReader): TypedParam {
  const field = readString(r);
  const type = r.int();
  switch (type) {
    case TypedParamType.INT:
      return { field, type: 'INT', value: r.int() };
    case TypedParamType.UINT:
      return { field, type: 'UINT', value: r.uint() };
    case TypedParamType.LLONG:
      return { field, type: 'LLONG', value: r.hyperNumber() };
    case TypedParamType.ULLONG:
      return { field, type: 'ULLONG', value: r.uhyperNumber() };
    case TypedParamType.DOUBLE:
      return { field, type: 'DOUBLE', value: r.double() };
    case TypedParamType.BOOLEAN:
      return { field, type: 'BOOLEAN', value: r.int() !== 0 };
    case TypedParamType.STRING:
      return { field, type: 'STRING', value: readString(r) };
    default:
      throw new XdrError(`unknown typed parameter type ${type} for field '${field}'`);
  }
}

export function writeTypedParams(w: XdrWriter, params: readonly TypedParam[]): void {
  w.array(params, writeTypedParam, TYPED_PARAMS_MAX);
}

export function readTypedParams(r: XdrReader): TypedParam[] {
  return r.array(readTypedParam, TYPED_PARAMS_MAX);
}

/** Typed parameters as a plain record keyed by field (last value wins on repeated fields). */
export function typedParamsToRecord(params: readonly TypedParam[]): Record<string, number | bigint | boolean | string> {
  const out: Record<string, number | bigint | boolean | string> = {};
  for (const p of params) out[p.field] = p.value;
  return out;
}
