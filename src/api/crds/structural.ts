/**
 * Validates and prunes an object against a structural OpenAPI schema the way the API server treats
 * CRD objects: type, required, enum, bounds, maxItems, patterns, int-or-string, nullable; unknown
 * fields dropped unless preserved. Interprets the schema (no code generation), so it starts instantly.
 * Errors are FieldErrors worded as apiextensions words them.
 */
import { invalid, notSupported, required, type FieldError } from '../meta/index.js';
import type { JSONSchemaProps } from './openapi.js';

type Schema = JSONSchemaProps;

const typeOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

const typeMatches = (want: string, v: unknown): boolean => {
  const got = typeOf(v);
  return got === want || (want === 'number' && got === 'integer');
};

const regexCache = new Map<string, RegExp>();
const regex = (p: string): RegExp => {
  let r = regexCache.get(p);
  if (!r) regexCache.set(p, (r = new RegExp(p, 'u')));
  return r;
};

/**
 * Where the walk is, kept as a stack of keys and indices: the field path string is only built
 * for an error (most objects have none), so walking allocates nothing per field.
 */
class Path {
  private readonly parts: (string | number)[] = [];
  /** 0: `.key` (a property), 1: `[i]` (an item or a map key). */
  private readonly kinds: number[] = [];

  constructor(private readonly prefix: string) {}

  push(part: string | number, kind: 0 | 1): void {
    this.parts.push(part);
    this.kinds.push(kind);
  }

  pop(): void {
    this.parts.pop();
    this.kinds.pop();
  }

  /** The path as apiextensions prints it: `spec.list[0].name`, `spec.map[key]`. */
  toString(): string {
    let s = this.prefix;
    for (let i = 0; i < this.parts.length; i++) {
      const part = String(this.parts[i]);
      s = this.kinds[i] === 0 ? (s ? `${s}.${part}` : part) : `${s}[${part}]`;
    }
    return s;
  }
}

function checkScalar(s: Schema, v: unknown, at: Path, out: FieldError[]): void {
  const enumValues = s['enum'] as unknown[] | undefined;
  if (enumValues && !enumValues.includes(v)) out.push(notSupported(String(at), v, enumValues.map(String)));
  if (typeof v === 'number') {
    if (typeof s['minimum'] === 'number' && v < s['minimum']) out.push(invalid(String(at), v, `${String(at)} in body should be greater than or equal to ${s['minimum']}`));
    if (typeof s['maximum'] === 'number' && v > s['maximum']) out.push(invalid(String(at), v, `${String(at)} in body should be less than or equal to ${s['maximum']}`));
  }
  if (typeof v === 'string') {
    if (typeof s['minLength'] === 'number' && [...v].length < s['minLength']) out.push(invalid(String(at), v, `${String(at)} in body should be at least ${s['minLength']} chars long`));
    if (typeof s['pattern'] === 'string' && !regex(s['pattern']).test(v)) out.push(invalid(String(at), v, `${String(at)} in body should match '${s['pattern']}'`));
  }
}

/** Field errors of `value` against `schema`; `path` prefixes every field (e.g. '' for an object root). */
export function validateStructural(schema: Schema, value: unknown, path = ''): FieldError[] {
  const out: FieldError[] = [];
  walk(schema, value, new Path(path), out);
  return out;
}

function walk(s: Schema, v: unknown, at: Path, out: FieldError[]): void {
  if (v === null) {
    if (s['nullable'] !== true) out.push(invalid(String(at), 'null', `${String(at)} in body must be of type ${typeof s['type'] === 'string' ? s['type'] : 'integer,string'}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    const t = typeOf(v);
    if (t !== 'integer' && t !== 'string') out.push(invalid(String(at), t, `${String(at)} in body must be of type integer,string: "${t}"`));
    else checkScalar(s, v, at, out);
    return;
  }
  const type = s['type'] as string | undefined;
  if (type && !typeMatches(type, v)) {
    out.push(invalid(String(at), typeOf(v), `${String(at)} in body must be of type ${type}: "${typeOf(v)}"`));
    return;
  }
  if (Array.isArray(v)) {
    if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) {
      out.push({ type: 'FieldValueTooMany', field: String(at), value: v.length, detail: `must have at most ${s['maxItems']} items` });
    }
    const items = s['items'] as Schema | undefined;
    if (!items) return;
    for (let i = 0; i < v.length; i++) {
      at.push(i, 1);
      walk(items, v[i], at, out);
      at.pop();
    }
    return;
  }
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const req = s['required'] as string[] | undefined;
    if (req) {
      for (const r of req) {
        if (obj[r] !== undefined) continue;
        at.push(r, 0);
        out.push(required(String(at), ''));
        at.pop();
      }
    }
    const props = s['properties'] as Record<string, Schema> | undefined;
    const additional = s['additionalProperties'];
    const extra = typeof additional === 'object' && additional !== null ? (additional as Schema) : undefined;
    for (const k of Object.keys(obj)) {
      const child = obj[k];
      if (child === undefined) continue;
      const ps = props?.[k];
      if (ps) {
        at.push(k, 0);
        walk(ps, child, at, out);
        at.pop();
      } else if (extra) {
        at.push(k, 1);
        walk(extra, child, at, out);
        at.pop();
      }
    }
    return;
  }
  checkScalar(s, v, at, out);
}

/**
 * A copy of `value` without the fields `schema` does not know (kept under x-kubernetes-preserve-unknown-fields).
 * At the root, apiVersion, kind and metadata are kept whole: the API server handles ObjectMeta itself.
 */
export function pruneObject(schema: Schema, value: Record<string, unknown>): Record<string, unknown> {
  const out = pruneUnknown(schema, value) as Record<string, unknown>;
  for (const k of ['apiVersion', 'kind', 'metadata']) if (value[k] !== undefined) out[k] = value[k];
  return out;
}

/** A copy of `value` without the fields `schema` does not know (kept under x-kubernetes-preserve-unknown-fields). */
export function pruneUnknown(schema: Schema, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = schema['items'] as Schema | undefined;
    return items ? value.map((x) => pruneUnknown(items, x)) : value;
  }
  const props = schema['properties'] as Record<string, Schema> | undefined;
  const additional = schema['additionalProperties'];
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(value as Record<string, unknown>)) {
    const ps = props?.[k];
    if (ps) out[k] = pruneUnknown(ps, child);
    else if (typeof additional === 'object' && additional !== null) out[k] = pruneUnknown(additional as Schema, child);
    else if (preserve || additional === true) out[k] = child;
  }
  return out;
}
