/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which
 * kubectl's typed clients send for `create deployment/job/configmap/...` and `auth can-i/whoami`.
 * The envelope is the "k8s\0" magic plus runtime.Unknown; the field numbers come from the table
 * generated out of k8s.io/api's generated.proto (protobuf-fields.ts).
 */
import { unsupportedMediaType } from '../../../api/meta/index.js';
import { protobufMessages } from './protobuf-fields.js';

interface Field {
  readonly name: string;
  /** s string, b bytes, o bool, i varint, d double, f float, m<Message>, M<value kind>. */
  readonly kind: string;
  readonly repeated: boolean;
}

/**
 * Scalars whose zero value means something (Go pointers or fields without omitempty): kept when 0 or
 * false. Every other zero scalar is dropped, as kube-apiserver's JSON leaves out empty non-pointer fields.
 */
const KEEP_ZERO = new Set([
  'replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'parallelism', 'completions', 'backoffLimit',
  'backoffLimitPerIndex', 'maxFailedIndexes', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit', 'startingDeadlineSeconds', 'suspend', 'terminationGracePeriodSeconds', 'automountServiceAccountToken',
  'enableServiceLinks', 'shareProcessNamespace', 'hostUsers', 'priority', 'privileged', 'runAsNonRoot', 'readOnlyRootFilesystem',
  'allowPrivilegeEscalation', 'runAsUser', 'runAsGroup', 'fsGroup', 'defaultMode', 'mode', 'optional', 'gracePeriodSeconds',
  'expirationSeconds', 'value', 'port', 'containerPort', 'allowed', 'denied', 'authenticated', 'leaseDurationSeconds',
]);
/** Pointer IntOrStrings, where 0 is a value (PDB budgets, rolling-update bounds). */
const KEEP_ZERO_INTSTR = new Set(['minAvailable', 'maxUnavailable', 'maxSurge']);

const parsed = new Map<string, ReadonlyMap<number, Field>>();

/** The fields of one message of the generated table, parsed once. */
function schemaOf(type: string): ReadonlyMap<number, Field> {
  let s = parsed.get(type);
  if (s) return s;
  const spec = protobufMessages[type];
  if (spec === undefined) throw new Error(`no field table for ${type}`);
  const m = new Map<number, Field>();
  for (const part of spec ? spec.split(',') : []) {
    const [num, name, kind] = part.split(':') as [string, string, string];
    const repeated = kind.endsWith('*');
    m.set(Number(num), { name, kind: repeated ? kind.slice(0, -1) : kind, repeated });
  }
  parsed.set(type, m);
  return (s = m);
}

/** A minimal protobuf wire-format reader. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  /** A varint as a signed 64-bit value (negative int32/int64 take ten bytes). */
  varint(): number {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, result));
    }
    throw new Error('varint too long');
  }
  bytes(): Buffer {
    const n = this.varint();
    if (n < 0 || this.pos + n > this.buf.length) throw new Error('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  fixed(n: 4 | 8): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.fixed(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.fixed(4);
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** Messages whose JSON form is not an object: times, quantities, int-or-strings, raw JSON. */
function special(type: string, m: Record<string, unknown>): { value: unknown } | undefined {
  switch (type) {
    case 'meta.v1.Time':
    case 'meta.v1.MicroTime': {
      const s = Number(m.seconds ?? 0);
      const n = Number(m.nanos ?? 0);
      return { value: s === 0 && n === 0 ? undefined : rfc3339(s, n, type === 'meta.v1.MicroTime') };
    }
    case 'api.resource.Quantity':
      return { value: m.string ?? '' };
    case 'util.intstr.IntOrString':
      return { value: m.type === 1 ? (m.strVal ?? '') : (m.intVal ?? 0) };
    case 'runtime.RawExtension':
    case 'meta.v1.FieldsV1': {
      const raw = (m.raw ?? m.Raw) as string | undefined;
      if (!raw) return { value: undefined };
      return { value: JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown };
    }
    default:
      return type.endsWith('.ExtraValue') ? { value: m.items ?? [] } : undefined;
  }
}

function decodeMessage(buf: Buffer, type: string): unknown {
  const out = decodeFields(buf, type);
  const s = special(type, out);
  return s ? s.value : out;
}

function decodeFields(buf: Buffer, type: string): Record<string, unknown> {
  const schema = schemaOf(type);
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = r.varint();
    const f = schema.get(Math.floor(tag / 8));
    const wire = tag & 7;
    if (!f) {
      r.skip(wire);
      continue;
    }
    if (f.kind.startsWith('M')) {
      const [k, v] = decodeMapEntry(r.bytes(), f.kind.slice(1));
      out[f.name] = { ...(out[f.name] as object | undefined), [k]: v };
      continue;
    }
    if (f.repeated && wire === 2 && 'iodf'.includes(f.kind)) {
      const packed = new Reader(r.bytes());
      const list = (out[f.name] as unknown[] | undefined) ?? [];
      while (!packed.done) list.push(decodeScalar(packed, f.kind));
      out[f.name] = list;
      continue;
    }
    const value = decodeValue(r, f.kind);
    if (f.name === '') {
      // An embedded struct (Go `json:",inline"`): its fields are this object's.
      Object.assign(out, value);
      continue;
    }
    if (f.repeated) {
      const list = (out[f.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[f.name] = list;
    } else if (!droppedZero(f, value)) out[f.name] = value;
  }
  return out;
}

/** Whether a decoded singular field is a zero value JSON would not carry. */
function droppedZero(f: Field, value: unknown): boolean {
  if (value === undefined) return true;
  if (f.kind === 's' || f.kind === 'b') return value === '';
  if (f.kind === 'mutil.intstr.IntOrString') return value === 0 && !KEEP_ZERO_INTSTR.has(f.name);
  if (f.kind.startsWith('m')) return false;
  return (value === 0 || value === false) && !KEEP_ZERO.has(f.name);
}

function decodeScalar(r: Reader, kind: string): unknown {
  if (kind === 'o') return r.varint() !== 0;
  if (kind === 'i') return r.varint();
  if (kind === 'd') return r.fixed(8).readDoubleLE(0);
  return r.fixed(4).readFloatLE(0);
}

function decodeValue(r: Reader, kind: string): unknown {
  if (kind === 's') return r.bytes().toString('utf8');
  if (kind === 'b') return r.bytes().toString('base64');
  if (kind.startsWith('m')) return decodeMessage(r.bytes(), kind.slice(1));
  return decodeScalar(r, kind);
}

/** One entry of a string-keyed map: field 1 the key, field 2 the value. */
function decodeMapEntry(buf: Buffer, valueKind: string): [string, unknown] {
  const entry = new Reader(buf);
  let key = '';
  let value: unknown = valueKind === 's' || valueKind === 'b' ? '' : undefined;
  while (!entry.done) {
    const tag = entry.varint();
    const num = Math.floor(tag / 8);
    if (num === 1) key = entry.bytes().toString('utf8');
    else if (num === 2) value = decodeValue(entry, valueKind);
    else entry.skip(tag & 7);
  }
  if (value === undefined && valueKind.startsWith('m')) value = decodeMessage(Buffer.alloc(0), valueKind.slice(1));
  return [key, value];
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The table's message name of a top-level kind: `apps/v1` Deployment -> apps.v1.Deployment. */
export function protobufTypeOf(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return `${group === '' ? 'core' : group.split('.')[0]}.${version}.${kind}`;
}

/** Whether protobuf bodies of this kind can be decoded here. */
export function protobufSupported(apiVersion: string, kind: string): boolean {
  const spec = protobufMessages[protobufTypeOf(apiVersion, kind)];
  return spec !== undefined && spec.startsWith('1:metadata:');
}

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON form of the object. 415 for kinds not covered. */
export function decodeKubeProtobuf(buf: Buffer): Record<string, unknown> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw unsupportedMediaType('the body of the request was not a Kubernetes protobuf envelope');
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeFields(buf.subarray(4), 'runtime.Unknown');
  } catch (err) {
    throw unsupportedMediaType(`the protobuf body could not be decoded: ${(err as Error).message}`);
  }
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = tm.kind ?? '';
  const apiVersion = tm.apiVersion ?? '';
  if (!kind || !protobufSupported(apiVersion, kind)) {
    throw unsupportedMediaType(
      `the server does not accept protobuf bodies of kind ${kind || '<none>'} in ${apiVersion || '<none>'}; send application/json`,
    );
  }
  const raw = Buffer.from((unknown.raw as string | undefined) ?? '', 'base64');
  try {
    return { apiVersion, kind, ...decodeFields(raw, protobufTypeOf(apiVersion, kind)) };
  } catch (err) {
    throw unsupportedMediaType(`the protobuf body could not be decoded: ${(err as Error).message}`);
  }
}
