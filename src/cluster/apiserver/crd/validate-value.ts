/**
 * Validates a JSON value against a structural schema the way apiextensions-apiserver does
 * (kube-openapi's validator, then x-kubernetes-list-type checks), reporting Kubernetes field
 * errors worded as kube-openapi words them: `spec.replicas in body must be of type integer: "string"`.
 */
import { duplicate, invalid, notSupported, required, type FieldError } from '../../../api/meta/index.js';
import { matchesFormat } from './formats.js';
import { isChecked, refAt } from './reference.js';
import { jsonDeepEqual } from '../../../api/meta/json.js';
import { isObject, itemsSchema, jsonTypeOf, type JSONSchemaProps } from './schema.js';

const regexCache = new Map<string, RegExp | null>();

function compilePattern(p: string): RegExp | null {
  let re = regexCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p, 'u');
    } catch {
      re = null;
    }
    regexCache.set(p, re);
  }
  return re;
}


function tooLong(path: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field: path, detail: `must have at most ${max} bytes` };
}

function tooMany(path: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field: path, value: actual, detail: `must have at most ${max} items` };
}

function typeError(path: string, expected: string, actual: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field: path, value: actual, detail: `${path} in body must be of type ${expected}: "${actual}"` };
}

function expectedTypes(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

function typeMatches(types: readonly string[], actual: string): boolean {
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function validateString(v: string, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const len = [...v].length;
  if (s.maxLength !== undefined && len > s.maxLength) errs.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && len < s.minLength)
    errs.push(invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    if (re && !re.test(v)) errs.push(invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  if (s.format && !matchesFormat(s.format, v)) {
    errs.push({ type: 'FieldValueTypeInvalid', field: path, value: v, detail: `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}` });
  }
}

function validateNumber(v: number, s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(invalid(path, v, `${path} in body should be a multiple of ${s.multipleOf}`));
  }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errs.push(invalid(path, v, `${path} in body should be ${rel} ${s.maximum}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errs.push(invalid(path, v, `${path} in body should be ${rel} ${s.minimum}`));
    }
  }
}

function validateArray(v: unknown[], s: JSONSchemaProps, path: string, errs: FieldError[], ref: unknown): void {
  const items = itemsSchema(s);
  if (items) v.forEach((item, i) => validateNode(item, items, `${path}[${i}]`, errs, refAt(ref, i)));
  if (s.minItems !== undefined && v.length < s.minItems)
    errs.push(invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
  if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(tooMany(path, v.length, s.maxItems));
}

function child(path: string, k: string): string {
  return path ? `${path}.${k}` : k;
}

/** Per schema node: the position of each property (schemas are large, objects small: walk the object's keys). */
const propertyOrder = new WeakMap<JSONSchemaProps, Map<string, number>>();

/** The object's keys that are schema properties, in the schema's property order (the order errors come in). */
function declaredKeys(v: Record<string, unknown>, s: JSONSchemaProps, props: Record<string, JSONSchemaProps>): string[] {
  let order = propertyOrder.get(s);
  if (!order) propertyOrder.set(s, (order = new Map(Object.keys(props).map((k, i) => [k, i]))));
  const keys = Object.keys(v).filter((k) => order.has(k));
  if (keys.length > 1) keys.sort((a, b) => order.get(a)! - order.get(b)!);
  return keys;
}

function validateObject(v: Record<string, unknown>, s: JSONSchemaProps, path: string, errs: FieldError[], ref: unknown): void {
  const n = Object.keys(v).length;
  if (s.maxProperties !== undefined && n > s.maxProperties) errs.push(tooMany(path, n, s.maxProperties));
  if (s.minProperties !== undefined && n < s.minProperties)
    errs.push(invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`));
  for (const k of s.required ?? []) if (!(k in v)) errs.push(required(child(path, k)));
  const props = s.properties ?? {};
  for (const k of declaredKeys(v, s, props)) validateNode(v[k], props[k]!, child(path, k), errs, refAt(ref, k));
  const additional = s.additionalProperties;
  if (isObject(additional)) {
    for (const k of Object.keys(v)) if (!(k in props)) validateNode(v[k], additional, child(path, k), errs, refAt(ref, k));
  }
}

function validateJunctors(v: unknown, s: JSONSchemaProps, path: string, errs: FieldError[], ref: unknown): void {
  const passes = (sub: JSONSchemaProps): boolean => validateValue(v, sub, path).length === 0;
  for (const sub of s.allOf ?? []) validateNode(v, sub, path, errs, ref);
  if (s.anyOf && s.anyOf.length > 0 && !s.anyOf.some(passes)) {
    errs.push(invalid(path, '', `"${path}" must validate at least one schema (anyOf)`));
    validateNode(v, s.anyOf[0]!, path, errs, undefined);
  }
  if (s.oneOf && s.oneOf.length > 0 && s.oneOf.filter(passes).length !== 1) {
    errs.push(invalid(path, '', `"${path}" must validate one and only one schema (oneOf)`));
  }
  if (s.not && passes(s.not)) errs.push(invalid(path, '', `"${path}" must not validate the schema (not)`));
}

function validateNode(v: unknown, s: JSONSchemaProps, path: string, errs: FieldError[], ref: unknown): void {
  if (isChecked(v, ref)) return;
  const types = expectedTypes(s);
  if (v === null || v === undefined) {
    if (types.length > 0 && s.nullable !== true) errs.push(typeError(path, types.join(','), 'null'));
    return;
  }
  const actual = jsonTypeOf(v);
  if (types.length > 0 && !typeMatches(types, actual)) {
    errs.push(typeError(path, types.join(','), actual));
    return;
  }
  validateJunctors(v, s, path, errs, ref);
  if (typeof v === 'string') validateString(v, s, path, errs);
  else if (typeof v === 'number') validateNumber(v, s, path, errs);
  else if (Array.isArray(v)) validateArray(v, s, path, errs, ref);
  if (s.enum && !s.enum.some((e) => jsonDeepEqual(e, v))) {
    errs.push(notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (isObject(v)) validateObject(v, s, path, errs, ref);
}

/**
 * Schema errors for `v` (kube-openapi's part of CR validation). `path` prefixes every field;
 * subtrees that are `ref`'s own at the same path (found valid already) are not checked again.
 */
export function validateValue(v: unknown, s: JSONSchemaProps, path = '', ref?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  validateNode(v, s, path, errs, ref);
  return errs;
}

// --- x-kubernetes-list-type (listtype.ValidateListSetsAndMaps) ------------------------------------

function firstDuplicates(keys: readonly unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  keys.forEach((k, i) => {
    const id = k === undefined ? '\u0000unspecified' : JSON.stringify(k);
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function listMapErrors(v: unknown[], s: JSONSchemaProps, path: string): FieldError[] {
  const bad = v.findIndex((x) => x !== null && !isObject(x));
  if (bad >= 0) return [invalid(`${path}[${bad}]`, v[bad], 'must be an object for an array of list-type map')];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  const keys = v.map((x) => {
    const key: Record<string, unknown> = {};
    if (isObject(x)) for (const f of keyFields) if (f in x) key[f] = x[f];
    return key;
  });
  return firstDuplicates(keys).map((i) => duplicate(`${path}[${i}]`, keys[i]));
}

function listTypeNode(v: unknown, s: JSONSchemaProps | undefined, path: string, errs: FieldError[], ref: unknown): void {
  if (!s || isChecked(v, ref)) return;
  if (Array.isArray(v)) {
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set') for (const i of firstDuplicates(v)) errs.push(duplicate(`${path}[${i}]`, v[i]));
    if (listType === 'map') errs.push(...listMapErrors(v, s, path));
    const items = itemsSchema(s);
    v.forEach((x, i) => listTypeNode(x, items, `${path}[${i}]`, errs, refAt(ref, i)));
    return;
  }
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const prop = s.properties?.[k];
    if (prop) listTypeNode(x, prop, child(path, k), errs, refAt(ref, k));
    else if (isObject(s.additionalProperties)) listTypeNode(x, s.additionalProperties, `${path}[${k}]`, errs, refAt(ref, k));
  }
}

/** Uniqueness errors of x-kubernetes-list-type set and map lists: `Duplicate value` at the second occurrence (`ref`'s own subtrees skipped). */
export function validateListTypes(v: unknown, s: JSONSchemaProps, path = '', ref?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  listTypeNode(v, s, path, errs, ref);
  return errs;
}
