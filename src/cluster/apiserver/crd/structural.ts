/**
 * Checks a CRD version's openAPIV3Schema the way apiextensions-apiserver does before accepting
 * it: OpenAPI v3 restrictions, structural-schema invariants (every specified node has a type,
 * value validations under junctors only), Kubernetes extensions, and defaults that validate
 * and are pruned. Paths look like `spec.versions[0].schema.openAPIV3Schema.properties[spec].type`.
 */
import { forbidden, invalid, notSupported, required, type FieldError, FieldPath } from '../../../api/meta/index.js';
import { prune } from './prune.js';
import { jsonRoundTrip } from '../../../api/meta/json.js';
import { isObject, type JSONSchemaProps } from './schema.js';
import { validateValue } from './validate-value.js';

type Level = 'root' | 'item' | 'field';
const openAPIV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);

interface Ctx {
  readonly errs: FieldError[];
  /** Why defaults are forbidden here (top-level meta), or undefined when allowed. */
  readonly noDefaults?: string;
  readonly insideMeta: boolean;
}

function typeRequiredDetail(lvl: Level): string {
  if (lvl === 'root') return 'must not be empty at the root';
  if (lvl === 'item') return 'must not be empty for specified array items';
  return 'must not be empty for specified object fields';
}

/** OpenAPI restrictions apiextensions applies to every node (specStandardValidatorV3 and friends). */
function checkOpenAPI(s: JSONSchemaProps, p: FieldPath, ctx: Ctx): void {
  const e = ctx.errs;
  if (s.type !== undefined && s.type !== '' && s.type !== 'null' && !openAPIV3Types.includes(s.type)) e.push(notSupported(p.child('type'), s.type, openAPIV3Types));
  if (s.default !== undefined && ctx.noDefaults !== undefined) e.push(forbidden(p.child('default'), `must not be set ${ctx.noDefaults}`));
  if (s['id'] !== undefined) e.push(forbidden(p.child('id'), 'id is not supported'));
  if (s['additionalItems'] !== undefined) e.push(forbidden(p.child('additionalItems'), 'additionalItems is not supported'));
  if (isObject(s['patternProperties'])) e.push(forbidden(p.child('patternProperties'), 'patternProperties is not supported'));
  if (isObject(s['definitions'])) e.push(forbidden(p.child('definitions'), 'definitions is not supported'));
  if (s['dependencies'] !== undefined) e.push(forbidden(p.child('dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) e.push(forbidden(p.child('$ref'), '$ref is not supported'));
  if (s.type === 'null') e.push(forbidden(p.child('type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items)) e.push(forbidden(p.child('items'), 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true) e.push(forbidden(p.child('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  if (s.uniqueItems === true) e.push(forbidden(p.child('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined && Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties !== true) {
    e.push(forbidden(p.child('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) e.push(invalid(p.child('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
}

function typeMustBe(s: JSONSchemaProps, p: FieldPath, want: string, why: string, e: FieldError[]): void {
  if (s.type === want) return;
  if (!s.type) e.push(required(p.child('type'), `must be ${want} if ${why}`));
  else e.push(invalid(p.child('type'), s.type, `must be ${want} if ${why}`));
}

/** x-kubernetes-list-type / list-map-keys / map-type rules. */
function checkListAndMapTypes(s: JSONSchemaProps, p: FieldPath, e: FieldError[]): void {
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    typeMustBe(s, p, 'object', 'x-kubernetes-map-type is specified', e);
    if (mapType !== 'atomic' && mapType !== 'granular') e.push(notSupported(p.child('x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = Array.isArray(s.items) ? undefined : s.items;
  if (listType !== undefined) typeMustBe(s, p, 'array', 'x-kubernetes-list-type is specified', e);
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) e.push(notSupported(p.child('x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  if (listType === 'set' && items?.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
    e.push(invalid(p.child('items', 'x-kubernetes-map-type'), 'set', 'must be atomic as item of a list with x-kubernetes-list-type=set'));
  }
  if (keys.length > 0 && listType === undefined) e.push(required(p.child('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
  else if (keys.length > 0 && listType !== 'map') e.push(invalid(p.child('x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  if ((listType === 'set' || listType === 'map') && items?.nullable === true) {
    e.push(forbidden(p.child('items', 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  }
  if (listType !== 'map') return;
  if (keys.length === 0) e.push(required(p.child('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
  if (!items) {
    e.push(required(p.child('items'), 'must have a schema if x-kubernetes-list-type is map'));
    return;
  }
  if (items.type !== 'object') {
    e.push(invalid(p.child('items', 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  const seen = new Set<string>();
  for (const k of keys) {
    const ks = items.properties?.[k];
    if (!ks) e.push(invalid(p.child('x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
    else {
      if (ks.type === 'array' || ks.type === 'object') e.push(invalid(p.child('items', 'properties').key(k).child('type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
      if (!(items.required ?? []).includes(k) && ks.default === undefined) {
        e.push(required(p.child('items', 'properties').key(k).child('default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      }
      if (ks.nullable === true) e.push(forbidden(p.child('items', 'properties').key(k).child('nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
    if (seen.has(k)) e.push(invalid(p.child('x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
    seen.add(k);
  }
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v !== '';
const isTrue = (v: unknown): boolean => v === true;
const nestedForbidden: [string, (v: unknown) => boolean, string][] = [
  ['type', nonEmpty, 'must be empty to be structural'],
  ['additionalProperties', (v) => v !== undefined, 'must be undefined to be structural'],
  ['default', (v) => v !== undefined, 'must be undefined to be structural'],
  ['title', nonEmpty, 'must be empty to be structural'],
  ['description', nonEmpty, 'must be empty to be structural'],
  ['nullable', isTrue, 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', isTrue, 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', isTrue, 'must be false to be structural'],
  ['x-kubernetes-int-or-string', isTrue, 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', (v) => Array.isArray(v) && v.length > 0, 'must be empty to be structural'],
  ['x-kubernetes-list-type', (v) => v !== undefined, 'must be undefined to be structural'],
];

function isIntOrStringAnyOf(list: JSONSchemaProps[] | undefined): boolean {
  return list?.length === 2 && list[0]?.type === 'integer' && list[1]?.type === 'string' && Object.keys(list[0]).length === 1 && Object.keys(list[1]).length === 1;
}

/** Value validations under allOf/anyOf/oneOf/not may not carry structure. */
function checkNested(v: JSONSchemaProps, p: FieldPath, e: FieldError[], skipAnyOf = false): void {
  for (const [k, isSet, why] of nestedForbidden) if (isSet(v[k])) e.push(forbidden(p.child(k), why));
  if (v.properties?.['metadata']) e.push(forbidden(p.child('properties').key('metadata'), 'must not be specified in a nested context'));
  for (const [k, sub] of Object.entries(v.properties ?? {})) checkNested(sub, p.child('properties').key(k), e);
  if (v.items && !Array.isArray(v.items)) checkNested(v.items, p.child('items'), e);
  checkJunctors(v, p, e, skipAnyOf);
}

function checkJunctors(s: JSONSchemaProps, p: FieldPath, e: FieldError[], skipAnyOf: boolean): void {
  if (!skipAnyOf) s.anyOf?.forEach((x, i) => checkNested(x, p.child('anyOf').index(i), e));
  const skipFirstAllOfAnyOf = isIntOrStringAnyOf(s.allOf?.[0]?.anyOf);
  s.allOf?.forEach((x, i) => checkNested(x, p.child('allOf').index(i), e, skipFirstAllOfAnyOf && i === 0));
  s.oneOf?.forEach((x, i) => checkNested(x, p.child('oneOf').index(i), e));
  if (s.not) checkNested(s.not, p.child('not'), e);
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (err) {
      e.push(invalid(p.child('pattern'), s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
}

/** Structural invariants of one node (structuralschema.validateStructuralInvariants). */
function checkStructural(s: JSONSchemaProps, lvl: Level, p: FieldPath, e: FieldError[]): void {
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (s.type === 'array' && s.items === undefined) e.push(required(p.child('items'), 'must be specified'));
  if (isObject(s.additionalProperties) && lvl === 'root') e.push(forbidden(p.child('additionalProperties'), 'must not be used at the root'));
  if (intOrString && s['x-kubernetes-preserve-unknown-fields'] === true) e.push(invalid(p.child('x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) e.push(invalid(p.child('x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  checkJunctors(s, p, e, isIntOrStringAnyOf(s.anyOf));
  if (embedded && s.type !== 'object') typeMustBe(s, p, 'object', 'x-kubernetes-embedded-resource is true', e);
  else if (!s.type && !intOrString && s['x-kubernetes-preserve-unknown-fields'] !== true) e.push(required(p.child('type'), typeRequiredDetail(lvl)));
  if (embedded && s.additionalProperties !== undefined) e.push(forbidden(p.child('additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && s.type && s.type !== 'object') e.push(invalid(p.child('type'), s.type, 'must be object at the root'));
  const props = s.properties ?? {};
  if (lvl === 'root' || embedded) {
    for (const [k, want] of [['kind', 'string'], ['apiVersion', 'string'], ['metadata', 'object']] as const) {
      const ps = props[k];
      if (ps && ps.type !== want) e.push(invalid(p.child('properties').key(k).child('type'), ps.type ?? '', `must be ${want}`));
    }
  }
  const meta = props['metadata'];
  if (meta && lvl === 'root') {
    const rest = Object.keys(meta).filter((k) => !['type', 'default', 'properties'].includes(k));
    const metaProps = Object.keys(meta.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
    if (rest.length > 0 || metaProps.length > 0) {
      e.push(forbidden(p.child('properties').key('metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  if (embedded && s['x-kubernetes-preserve-unknown-fields'] !== true && Object.keys(props).length === 0) {
    e.push(required(p.child('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** Defaults must validate against their node and be pruned (structuraldefaulting.ValidateDefaults). */
function checkDefault(s: JSONSchemaProps, p: FieldPath, e: FieldError[]): void {
  if (s.default === undefined) return;
  const dp = String(p.child('default'));
  if (isObject(s.default) || Array.isArray(s.default)) {
    const pruned = jsonRoundTrip(s.default);
    prune(pruned, s, s['x-kubernetes-embedded-resource'] === true);
    if (JSON.stringify(pruned) !== JSON.stringify(s.default)) e.push(invalid(dp, s.default, 'must not have unknown fields'));
  }
  for (const err of validateValue(s.default, s, '')) {
    const field = err.field === '' ? dp : err.field.startsWith('[') ? `${dp}${err.field}` : `${dp}.${err.field}`;
    e.push({ ...err, field });
  }
}

function walk(s: JSONSchemaProps, lvl: Level, p: FieldPath, ctx: Ctx): void {
  checkOpenAPI(s, p, ctx);
  checkStructural(s, lvl, p, ctx.errs);
  checkListAndMapTypes(s, p, ctx.errs);
  if (ctx.noDefaults === undefined) checkDefault(s, p, ctx.errs);
  const isResource = lvl === 'root' || s['x-kubernetes-embedded-resource'] === true;
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    const inMeta = isResource && metaFields.has(k);
    walk(sub, 'field', p.child('properties').key(k), {
      errs: ctx.errs,
      insideMeta: ctx.insideMeta || inMeta,
      ...(inMeta && lvl === 'root' ? { noDefaults: `in top-level ${k}` } : ctx.noDefaults !== undefined ? { noDefaults: ctx.noDefaults } : {}),
    });
  }
  if (isObject(s.additionalProperties)) {
    const noDefaults = ctx.insideMeta ? 'inside additionalProperties applying to object metadata' : ctx.noDefaults;
    walk(s.additionalProperties, 'field', p.child('additionalProperties'), { errs: ctx.errs, insideMeta: ctx.insideMeta, ...(noDefaults !== undefined ? { noDefaults } : {}) });
  }
  if (s.items && !Array.isArray(s.items)) walk(s.items, 'item', p.child('items'), ctx);
}

/** Properties and items named under a junctor must also be specified in the structural part. */
function checkCompleteness(v: JSONSchemaProps, s: JSONSchemaProps, sPath: FieldPath, vPath: FieldPath, e: FieldError[]): void {
  for (const [k, vf] of Object.entries(v.properties ?? {})) {
    const sf = s.properties?.[k];
    if (!sf) e.push(required(sPath.child('properties').key(k), `because it is defined in ${String(vPath.child('properties').key(k))}`));
    else checkCompleteness(vf, sf, sPath.child('properties').key(k), vPath.child('properties').key(k), e);
  }
  if (v.items && !Array.isArray(v.items)) {
    const si = s.items && !Array.isArray(s.items) ? s.items : undefined;
    if (!si) e.push(required(sPath.child('items'), `because it is defined in ${String(vPath.child('items'))}`));
    else checkCompleteness(v.items, si, sPath.child('items'), vPath.child('items'), e);
  }
  forEachJunctor(v, vPath, (sub, subPath) => checkCompleteness(sub, s, sPath, subPath, e));
}

function forEachJunctor(s: JSONSchemaProps, p: FieldPath, f: (sub: JSONSchemaProps, path: FieldPath) => void): void {
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) s[k]?.forEach((sub, i) => f(sub, p.child(k).index(i)));
  if (s.not) f(s.not, p.child('not'));
}

function walkCompleteness(s: JSONSchemaProps, p: FieldPath, e: FieldError[]): void {
  forEachJunctor(s, p, (sub, subPath) => checkCompleteness(sub, s, p, subPath, e));
  for (const [k, sub] of Object.entries(s.properties ?? {})) walkCompleteness(sub, p.child('properties').key(k), e);
  if (isObject(s.additionalProperties)) walkCompleteness(s.additionalProperties, p.child('additionalProperties'), e);
  if (s.items && !Array.isArray(s.items)) walkCompleteness(s.items, p.child('items'), e);
}

/** All errors of a version's openAPIV3Schema at `p` (…schema.openAPIV3Schema). */
export function validateStructuralSchema(schema: JSONSchemaProps, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.nullable === true) errs.push(forbidden(p.child('nullable'), 'nullable cannot be true at the root'));
  walk(schema, 'root', p, { errs, insideMeta: false });
  walkCompleteness(schema, p, errs);
  return errs;
}
