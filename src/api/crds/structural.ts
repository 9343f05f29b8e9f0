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

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const regexCache = new Map<string, RegExp>();
const regex = (p: string): RegExp => {
  let r = regexCache.get(p);
  if (!r) regexCache.set(p, (r = new RegExp(p, 'u')));
  return r;
};

function checkScalar(s: Schema, v: unknown, path: string, out: FieldError[]): void {
  const enumValues = s['enum'] as unknown[] | undefined;
  if (enumValues && !enumValues.includes(v)) out.push(notSupported(path, v, enumValues.map(String)));
  if (typeof v === 'number') {
    if (typeof s['minimum'] === 'number' && v < s['minimum']) out.push(invalid(path, v, `${path} in body should be greater than or equal to ${s['minimum']}`));
    if (typeof s['maximum'] === 'number' && v > s['maximum']) out.push(invalid(path, v, `${path} in body should be less than or equal to ${s['maximum']}`));
  }
  if (typeof v === 'string') {
    if (typeof s['minLength'] === 'number' && [...v].length < s['minLength']) out.push(invalid(path, v, `${path} in body should be at least ${s['minLength']} chars long`));
    if (typeof s['pattern'] === 'string' && !regex(s['pattern']).test(v)) out.push(invalid(path, v, `${path} in body should match '${s['pattern']}'`));
  }
}

/** Field errors of `value` against `schema`; `path` prefixes every field (e.g. '' for an object root). */
export function validateStructural(schema: Schema, value: unknown, path = ''): FieldError[] {
  const out: FieldError[] = [];
  walk(schema, value, path, out);
  return out;
}

function walk(s: Schema, v: unknown, path: string, out: FieldError[]): void {
  if (v === null) {
    if (s['nullable'] !== true) out.push(invalid(path, 'null', `${path} in body must be of type ${typeof s['type'] === 'string' ? s['type'] : 'integer,string'}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    const t = typeOf(v);
    if (t !== 'integer' && t !== 'string') out.push(invalid(path, t, `${path} in body must be of type integer,string: "${t}"`));
    else checkScalar(s, v, path, out);
    return;
  }
  const type = s['type'] as string | undefined;
  if (type && !typeMatches(type, v)) {
    out.push(invalid(path, typeOf(v), `${path} in body must be of type ${type}: "${typeOf(v)}"`));
    return;
  }
  if (Array.isArray(v)) {
    if (typeof s['maxItems'] === 'number' && v.length > s['maxItems']) {
      out.push({ type: 'FieldValueTooMany', field: path, value: v.length, detail: `must have at most ${s['maxItems']} items` });
    }
    const items = s['items'] as Schema | undefined;
    if (items) v.forEach((item, i) => walk(items, item, `${path}[${i}]`, out));
    return;
  }
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    for (const r of (s['required'] as string[] | undefined) ?? []) if (obj[r] === undefined) out.push(required(join(path, r), ''));
    const props = s['properties'] as Record<string, Schema> | undefined;
    const additional = s['additionalProperties'];
    for (const [k, child] of Object.entries(obj)) {
      if (child === undefined) continue;
      const ps = props?.[k];
      if (ps) walk(ps, child, join(path, k), out);
      else if (typeof additional === 'object' && additional !== null) walk(additional as Schema, child, `${path}[${k}]`, out);
    }
    return;
  }
  checkScalar(s, v, path, out);
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
