/**
 * The /openapi/v2 document in protobuf (gnostic's openapi.v2 messages), the only encoding
 * client-go accepts there: kubectl requests `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`.
 * Encodes what our documents use: info, definitions (type, format, description, $ref, items,
 * properties, additionalProperties, required, allOf, vendor extensions) and paths with query
 * parameters, responses and extensions.
 */

/** The media type client-go asks for in Accept. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The Content-Type kube-apiserver answers with ('@' is not valid in a media type Go parses). */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = Record<string, unknown>;

/** A protobuf message being written: fields appended in any order, as proto3 allows. */
class Message {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  private bytes(field: number, data: Buffer): void {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    this.parts.push(data);
  }

  string(field: number, v: unknown): this {
    if (typeof v === 'string' && v !== '') this.bytes(field, Buffer.from(v, 'utf8'));
    return this;
  }

  strings(field: number, list: unknown): this {
    if (Array.isArray(list)) for (const v of list) this.bytes(field, Buffer.from(String(v), 'utf8'));
    return this;
  }

  bool(field: number, v: unknown): this {
    if (v === true) {
      this.varint(field << 3);
      this.varint(1);
    }
    return this;
  }

  message(field: number, m: Message | undefined): this {
    if (m) this.bytes(field, m.finish());
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const rec = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/** Any{yaml}: JSON is YAML, so the value's JSON text. */
const anyValue = (v: unknown): Message => new Message().string(2, JSON.stringify(v));

function vendorExtensions(m: Message, field: number, obj: Json): void {
  for (const [k, v] of Object.entries(obj)) if (k.startsWith('x-')) m.message(field, new Message().string(1, k).message(2, anyValue(v)));
}

function namedSchemas(field: number, map: Json): Message {
  const m = new Message();
  for (const [name, s] of Object.entries(map)) m.message(field, new Message().string(1, name).message(2, schema(rec(s) ?? {})));
  return m;
}

function schema(s: Json): Message {
  const m = new Message().string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) m.message(5, anyValue(s.default));
  m.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) m.message(20, anyValue(e));
  if (s.additionalProperties !== undefined) {
    const ap = rec(s.additionalProperties);
    m.message(21, ap ? new Message().message(1, schema(ap)) : new Message().bool(2, s.additionalProperties === true));
  }
  if (typeof s.type === 'string') m.message(22, new Message().strings(1, [s.type]));
  const items = rec(s.items);
  if (items) m.message(23, new Message().message(1, schema(items)));
  if (Array.isArray(s.allOf)) for (const a of s.allOf) m.message(24, schema(rec(a) ?? {}));
  const props = rec(s.properties);
  if (props) m.message(25, namedSchemas(1, props));
  vendorExtensions(m, 31, s);
  return m;
}

function queryParameter(p: Json): Message {
  const sub = new Message().string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type ?? 'string').bool(20, p.uniqueItems);
  return new Message().message(1, new Message().message(2, new Message().message(3, sub)));
}

function operation(op: Json): Message {
  const m = new Message().strings(1, op.tags).string(3, op.description).string(5, op.operationId);
  if (Array.isArray(op.parameters)) for (const p of op.parameters) m.message(8, queryParameter(rec(p) ?? {}));
  const responses = new Message();
  for (const [code, r] of Object.entries(rec(op.responses) ?? {})) {
    const resp = rec(r) ?? {};
    const body = new Message().string(1, resp.description);
    const sch = rec(resp.schema);
    if (sch) body.message(2, new Message().message(1, schema(sch)));
    responses.message(1, new Message().string(1, code).message(2, new Message().message(1, body)));
  }
  m.message(9, responses);
  vendorExtensions(m, 13, op);
  return m;
}

const METHOD_FIELDS: [string, number][] = [['get', 2], ['put', 3], ['post', 4], ['delete', 5], ['options', 6], ['head', 7], ['patch', 8]];

function paths(map: Json): Message {
  const m = new Message();
  for (const [path, item] of Object.entries(map)) {
    const it = rec(item) ?? {};
    const pi = new Message();
    for (const [method, field] of METHOD_FIELDS) {
      const op = rec(it[method]);
      if (op) pi.message(field, operation(op));
    }
    m.message(2, new Message().string(1, path).message(2, pi));
  }
  return m;
}

/** The protobuf encoding of a swagger 2.0 document (as built by builtinOpenApiV2, plus CRD definitions). */
export function encodeOpenApiV2Protobuf(doc: Json): Buffer {
  const info = rec(doc.info) ?? {};
  const m = new Message()
    .string(1, doc.swagger)
    .message(2, new Message().string(1, info.title).string(2, info.version))
    .message(8, paths(rec(doc.paths) ?? {}))
    .message(9, namedSchemas(1, rec(doc.definitions) ?? {}));
  vendorExtensions(m, 16, doc);
  return m.finish();
}

const encoded = new WeakMap<object, Buffer>();

/** encodeOpenApiV2Protobuf, computed once per document object. */
export function openApiV2Protobuf(doc: Json): Buffer {
  let hit = encoded.get(doc);
  if (!hit) {
    hit = encodeOpenApiV2Protobuf(doc);
    encoded.set(doc, hit);
  }
  return hit;
}
