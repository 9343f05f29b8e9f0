/**
 * Structural defaulting as apiextensions-apiserver does it: a property with a `default` that is
 * absent (or null while not nullable) gets a copy of the default; defaulting then descends into
 * every value, including freshly defaulted ones, array items and additionalProperties values.
 */
import { isChecked, refAt } from './reference.js';
import { jsonRoundTrip } from '../../../api/meta/json.js';
import { isObject, itemsSchema, schemaForKey, type JSONSchemaProps } from './schema.js';

/** Per schema node: its properties that have a default (schemas are large: most have none). */
const withDefaults = new WeakMap<JSONSchemaProps, [string, JSONSchemaProps][]>();

function defaultedProperties(s: JSONSchemaProps): [string, JSONSchemaProps][] {
  let list = withDefaults.get(s);
  if (!list) withDefaults.set(s, (list = Object.entries(s.properties ?? {}).filter(([, p]) => p.default !== undefined)));
  return list;
}

/** Applies defaults in place; `ref`'s own subtrees (defaulted already) are skipped. */
export function applyDefaults(x: unknown, s: JSONSchemaProps | undefined, ref?: unknown): void {
  if (!s || isChecked(x, ref)) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    if (items) x.forEach((item, i) => applyDefaults(item, items, refAt(ref, i)));
    return;
  }
  if (!isObject(x)) return;
  for (const [k, prop] of defaultedProperties(s)) {
    const v = x[k];
    if (!(k in x) || (v === null && prop.nullable !== true)) x[k] = jsonRoundTrip(prop.default);
  }
  for (const k of Object.keys(x)) applyDefaults(x[k], schemaForKey(s, k), refAt(ref, k));
}
