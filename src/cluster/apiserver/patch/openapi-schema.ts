/**
 * A patch schema from a CRD version's structural OpenAPI v3 schema, so server-side apply of custom
 * resources follows their `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and
 * `x-kubernetes-map-type` markers as kube-apiserver's does.
 */
import { isObject } from './merge-patch.js';
import { objectMetaSchema, type FieldSchema, type StructSchema } from './schema.js';

type Obj = Record<string, unknown>;

function fieldFrom(s: unknown): FieldSchema {
  if (!isObject(s)) return {};
  if (s.type === 'array') {
    const items = isObject(s.items) ? s.items : {};
    switch (s['x-kubernetes-list-type']) {
      case 'map': {
        const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as unknown[]).map(String) : [];
        const props = isObject(items.properties) ? items.properties : {};
        const keyDefaults: Record<string, string | number> = {};
        for (const k of keys) {
          const d = (props[k] as Obj | undefined)?.default;
          if (typeof d === 'string' || typeof d === 'number') keyDefaults[k] = d;
        }
        return { listMapKeys: keys, keyDefaults, fields: structOf(items) };
      }
      case 'set':
        return { merge: true };
      default:
        return {};
    }
  }
  if (s['x-kubernetes-map-type'] === 'atomic') return { atomic: true };
  if (isObject(s.properties)) return { fields: structOf(s) };
  const extra = s.additionalProperties;
  if (isObject(extra) || extra === true) return { map: true, ...(isObject(extra) && isObject(extra.properties) ? { fields: structOf(extra) } : {}) };
  return {};
}

function structOf(s: Obj): StructSchema {
  const props = isObject(s.properties) ? s.properties : {};
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fieldFrom(v)]));
}

/** The StructSchema of a CRD version's `openAPIV3Schema` (metadata always described as ObjectMeta). */
export function schemaFromOpenAPIV3(openAPIV3Schema: unknown): StructSchema {
  const root = isObject(openAPIV3Schema) ? structOf(openAPIV3Schema) : {};
  return { ...root, metadata: { fields: objectMetaSchema } };
}
