/**
 * Decoding of Kubernetes protobuf request bodies for the few kinds kubectl's typed clients send
 * (create configmap/secret/namespace/serviceaccount/token, auth can-i). The envelope is the
 * "k8s\0" magic plus runtime.Unknown; field numbers follow k8s.io/api's generated.proto.
 */
import { unsupportedMediaType } from '../../../api/meta/index.js';

type FieldKind = 'string' | 'bytes' | 'bool' | 'int' | 'time' | `msg:${string}` | 'map:string' | 'map:bytes' | `map:msg:${string}`;
/** field number -> [json name, kind, repeated] */
type Schema = Record<number, readonly [string, FieldKind, boolean?]>;

const schemas: Record<string, Schema> = {
  ObjectMeta: {
    1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 5: ['uid', 'string'], 6: ['resourceVersion', 'string'],
    7: ['generation', 'int'], 8: ['creationTimestamp', 'time'], 11: ['labels', 'map:string'], 12: ['annotations', 'map:string'],
    13: ['ownerReferences', 'msg:OwnerReference', true], 14: ['finalizers', 'string', true],
  },
  OwnerReference: { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] },
  ConfigMap: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['data', 'map:string'], 3: ['binaryData', 'map:bytes'], 4: ['immutable', 'bool'] },
  Secret: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['data', 'map:bytes'], 3: ['type', 'string'], 4: ['stringData', 'map:string'], 5: ['immutable', 'bool'] },
  Namespace: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:NamespaceSpec'] },
  NamespaceSpec: { 1: ['finalizers', 'string', true] },
  ServiceAccount: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['secrets', 'msg:ObjectReference', true], 3: ['imagePullSecrets', 'msg:LocalObjectReference', true], 4: ['automountServiceAccountToken', 'bool'] },
  ObjectReference: { 1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'] },
  LocalObjectReference: { 1: ['name', 'string'] },
  TokenRequest: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:TokenRequestSpec'] },
  TokenRequestSpec: { 1: ['audiences', 'string', true], 3: ['boundObjectRef', 'msg:BoundObjectReference'], 4: ['expirationSeconds', 'int'] },
  BoundObjectReference: { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] },
  SelfSubjectAccessReview: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:SubjectAccessReviewSpec'] },
  SubjectAccessReview: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:SubjectAccessReviewSpec'] },
  LocalSubjectAccessReview: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:SubjectAccessReviewSpec'] },
  SubjectAccessReviewSpec: {
    1: ['resourceAttributes', 'msg:ResourceAttributes'], 2: ['nonResourceAttributes', 'msg:NonResourceAttributes'], 3: ['user', 'string'],
    4: ['groups', 'string', true], 5: ['extra', 'map:msg:ExtraValue'], 6: ['uid', 'string'],
  },
  ExtraValue: { 1: ['items', 'string', true] },
  ResourceAttributes: { 1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'], 5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string'] },
  NonResourceAttributes: { 1: ['path', 'string'], 2: ['verb', 'string'] },
  SelfSubjectRulesReview: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:SelfSubjectRulesReviewSpec'] },
  SelfSubjectRulesReviewSpec: { 1: ['namespace', 'string'] },
  TypeMeta: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] },
  Unknown: { 1: ['typeMeta', 'msg:TypeMeta'], 2: ['raw', 'bytes'], 3: ['contentEncoding', 'string'], 4: ['contentType', 'string'] },
  Time: { 1: ['seconds', 'int'], 2: ['nanos', 'int'] },
  MapEntry: { 1: ['key', 'string'], 2: ['value', 'bytes'] },
};

/** A minimal protobuf wire-format reader. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new Error('varint too long');
  }
  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMessage(buf: Buffer, type: string): Record<string, unknown> {
  const schema = schemas[type];
  if (!schema) throw new Error(`no schema for ${type}`);
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = r.varint();
    const num = Math.floor(tag / 8);
    const wire = tag & 7;
    const f = schema[num];
    if (!f) {
      r.skip(wire);
      continue;
    }
    const [name, kind, repeated] = f;
    const value = decodeValue(r, kind);
    if (kind.startsWith('map:')) {
      const [k, v] = value as [string, unknown];
      out[name] = { ...(out[name] as object | undefined), [k]: v };
    } else if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else if (!isZero(kind, value)) out[name] = value;
  }
  return out;
}

/** gogo-protobuf writes every non-pointer field; JSON omits empty ones, so drop them. */
function isZero(kind: FieldKind, v: unknown): boolean {
  if (kind === 'string' || kind === 'bytes') return v === '';
  if (kind === 'int') return v === 0;
  if (kind === 'time') return v === '1970-01-01T00:00:00Z';
  if (kind.startsWith('msg:')) return typeof v === 'object' && v !== null && Object.keys(v).length === 0 && kind !== 'msg:SubjectAccessReviewSpec';
  return false;
}

function decodeValue(r: Reader, kind: FieldKind): unknown {
  if (kind === 'string') return r.bytes().toString('utf8');
  if (kind === 'bytes') return r.bytes().toString('base64');
  if (kind === 'bool') return r.varint() !== 0;
  if (kind === 'int') return r.varint();
  if (kind === 'time') {
    const t = decodeMessage(r.bytes(), 'Time');
    return new Date(Number(t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (kind.startsWith('map:')) {
    const entry = new Reader(r.bytes());
    let key = '';
    let value: unknown;
    while (!entry.done) {
      const tag = entry.varint();
      const num = Math.floor(tag / 8);
      if (num === 1) key = entry.bytes().toString('utf8');
      else if (num === 2) {
        const vk = kind.slice(4);
        value = vk === 'string' ? entry.bytes().toString('utf8') : vk === 'bytes' ? entry.bytes().toString('base64') : decodeMessage(entry.bytes(), vk.slice(4));
      } else entry.skip(tag & 7);
    }
    if (kind === 'map:msg:ExtraValue') value = (value as { items?: string[] } | undefined)?.items ?? [];
    return [key, value];
  }
  return decodeMessage(r.bytes(), kind.slice(4));
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON form of the object. 415 for kinds not covered. */
export function decodeKubeProtobuf(buf: Buffer): Record<string, unknown> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw unsupportedMediaType('the body of the request was not a Kubernetes protobuf envelope');
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(buf.subarray(4), 'Unknown');
  } catch (err) {
    throw unsupportedMediaType(`the protobuf body could not be decoded: ${(err as Error).message}`);
  }
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = tm.kind ?? '';
  if (!schemas[kind] || !schemas[kind][1] || schemas[kind][1][1] !== 'msg:ObjectMeta') {
    throw unsupportedMediaType(`protobuf bodies of kind ${kind || '<none>'} are not supported by this server; send application/json`);
  }
  const raw = Buffer.from((unknown.raw as string | undefined) ?? '', 'base64');
  try {
    return { apiVersion: tm.apiVersion, kind, ...decodeMessage(raw, kind) };
  } catch (err) {
    throw unsupportedMediaType(`the protobuf body could not be decoded: ${(err as Error).message}`);
  }
}
