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
  pruneNode(obj, schema, isResourceRoot, [], dropped, ref);
  return dropped;
}

/** Keys (fields) and indexes (items) from the root: a path is spelled out only for a dropped field (most writes drop none). */
type Trail = (string | number)[];

/** `a.b[0].c` as the walk used to build it step by step (an empty leading key vanishes, as it did). */
function spell(trail: Trail, key: string): string {
  let out = '';
  for (const k of trail) out = typeof k === 'number' ? `${out}[${k}]` : join(out, k);
  return join(out, key);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function pruneNode(x: unknown, s: JSONSchemaProps | undefined, isRoot: boolean, trail: Trail, dropped: string[], ref: unknown): void {
  if (isChecked(x, ref)) return;
  if (Array.isArray(x)) {
    const items = itemsSchema(s);
    for (let i = 0; i < x.length; i++) {
      const item: unknown = x[i];
      if (typeof item !== 'object' || item === null) continue;
      trail.push(i);
      pruneNode(item, items, false, trail, dropped, refAt(ref, i));
      trail.pop();
    }
    return;
  }
  if (!isObject(x)) return;
  const preserve = s?.['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = isRoot || s?.['x-kubernetes-embedded-resource'] === true;
  const props = s?.properties;
  const additional = s?.additionalProperties;
  // for-in, not Object.keys: no array per node (deleting the current key is safe).
  for (const k in x) {
    if (embedded && metaFields.has(k)) {
      // metadata is coerced by the object-meta layer, never pruned by the schema (except embedded: see below)
      if (k === 'metadata' && !isRoot && isObject(x[k])) pruneEmbeddedMetadata(x[k], spell(trail, k), dropped);
      continue;
    }
    const prop = props?.[k] ?? (isObject(additional) ? additional : undefined);
    if (prop) {
      const v = x[k];
      // Scalars hold nothing to prune.
      if (typeof v !== 'object' || v === null) continue;
      trail.push(k);
      pruneNode(v, prop, false, trail, dropped, refAt(ref, k));
      trail.pop();
      continue;
    }
    if (preserve || additional === true) continue;
    delete x[k];
    dropped.push(spell(trail, k));
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
    for (let i = 0; i < x.length; i++) {
      const item: unknown = x[i];
      if (typeof item === 'object' && item !== null) pruneNonNullableNulls(item, items, refAt(ref, i));
    }
    return;
  }
  if (!isObject(x)) return;
  const props = s?.properties;
  const additional = isObject(s?.additionalProperties) ? s.additionalProperties : undefined;
  for (const k in x) {
    const sub = props?.[k] ?? additional;
    const v = x[k];
    if (v === null) {
      if (sub && sub.nullable !== true && sub.default === undefined) delete x[k];
    } else if (typeof v === 'object') pruneNonNullableNulls(v, sub, refAt(ref, k));
  }
}
