/**
 * Structural pruning as apiextensions-apiserver does it: fields a structural schema does not
 * declare are dropped, except under x-kubernetes-preserve-unknown-fields; apiVersion, kind and
 * metadata survive at the resource root and in embedded resources.
 */
import { isChecked, refAt } from './reference.js';
import { isObject, itemsSchema, type JSONSchemaProps } from './schema.js';

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Prunes `obj` in place; returns the paths of the dropped fields (for warnings / strict mode).
 * Subtrees that are `ref`'s own at the same path (pruned already) are skipped.
 */
export function prune(obj: unknown, schema: JSONSchemaProps | undefined, isResourceRoot: boolean, ref?: unknown): string[] {
  const dropped: string[] = [];
  pruneNode(obj, schema, isResourceRoot, '', dropped, ref);
  return dropped;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function pruneNode(x: unknown, s: JSONSchemaProps | undefined, isRoot: boolean, path: string, dropped: string[], ref: unknown): void {
  if (isChecked(x, ref)) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    x.forEach((item, i) => pruneNode(item, items, false, `${path}[${i}]`, dropped, refAt(ref, i)));
    return;
  }
  if (!isObject(x)) return;
  const preserve = s?.['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = isRoot || s?.['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(x)) {
    if (embedded && metaFields.has(k)) {
      // metadata is coerced by the object-meta layer, never pruned by the schema (except embedded: see below)
      if (k === 'metadata' && !isRoot && isObject(x[k])) pruneEmbeddedMetadata(x[k], join(path, k), dropped);
      continue;
    }
    const prop = s?.properties?.[k];
    if (prop) {
      pruneNode(x[k], prop, false, join(path, k), dropped, refAt(ref, k));
      continue;
    }
    const additional = s?.additionalProperties;
    if (isObject(additional)) {
      pruneNode(x[k], additional, false, join(path, k), dropped, refAt(ref, k));
      continue;
    }
    if (preserve || additional === true) continue;
    delete x[k];
    dropped.push(join(path, k));
  }
}

const embeddedMetaFields = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences',
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);

/** Embedded ObjectMeta keeps only ObjectMeta's fields (as schemaobjectmeta.Coerce does). */
function pruneEmbeddedMetadata(meta: Record<string, unknown>, path: string, dropped: string[]): void {
  for (const k of Object.keys(meta)) {
    if (embeddedMetaFields.has(k)) continue;
    delete meta[k];
    dropped.push(join(path, k));
  }
}

/**
 * Removes `null` values whose schema is neither nullable nor has a default (they are defaulted later
 * otherwise); skips `ref`'s own subtrees.
 */
export function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined, ref?: unknown): void {
  if (isChecked(x, ref)) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    x.forEach((item, i) => pruneNonNullableNulls(item, items, refAt(ref, i)));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    const sub = s?.properties?.[k] ?? (isObject(s?.additionalProperties) ? (s.additionalProperties) : undefined);
    const v = x[k];
    if (v === null && sub && sub.nullable !== true && sub.default === undefined) delete x[k];
    else pruneNonNullableNulls(v, sub, refAt(ref, k));
  }
}
