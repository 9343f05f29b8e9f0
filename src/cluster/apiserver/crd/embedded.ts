/**
 * TypeMeta checks for nested x-kubernetes-embedded-resource objects (objectmeta.Validate):
 * apiVersion and kind are required strings, kind a mixed-case DNS-1035 label.
 */
import { invalid, required, type FieldError } from '../../../api/meta/index.js';
import { isChecked, refAt } from './reference.js';
import { isObject, itemsSchema, type JSONSchemaProps } from './schema.js';
import { isDNS1035Label as dns1035Errors } from '../builtins/validation/names.js';

function typeMeta(x: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['apiVersion', 'kind'] as const) {
    const p = `${path}.${k}`;
    const v = x[k];
    if (!(k in x) || v === '') errs.push(required(p, ''));
    else if (typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
    else if (k === 'kind') {
      const msgs = dns1035Errors(v.toLowerCase());
      if (msgs.length > 0) errs.push(invalid(p, v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
    } else if (v.split('/').length > 2) errs.push(invalid(p, v, `unexpected GroupVersion string: ${v}`));
  }
  return errs;
}

function walk(x: unknown, s: JSONSchemaProps | undefined, path: string, errs: FieldError[], ref: unknown): void {
  if (!s || isChecked(x, ref)) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    x.forEach((v, i) => walk(v, items, `${path}[${i}]`, errs, refAt(ref, i)));
    return;
  }
  if (!isObject(x)) return;
  if (s['x-kubernetes-embedded-resource'] === true) errs.push(...typeMeta(x, path));
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.[k];
    if (prop) walk(v, prop, path ? `${path}.${k}` : k, errs, refAt(ref, k));
    else if (isObject(s.additionalProperties)) walk(v, s.additionalProperties, `${path}[${k}]`, errs, refAt(ref, k));
  }
}

/** Errors of every embedded resource below the root of `obj` (none looked for in `ref`'s own subtrees). */
export function validateEmbeddedResources(obj: unknown, schema: JSONSchemaProps, ref?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(obj)) return errs;
  for (const [k, v] of Object.entries(obj)) walk(v, schema.properties?.[k], k, errs, refAt(ref, k));
  return errs;
}
