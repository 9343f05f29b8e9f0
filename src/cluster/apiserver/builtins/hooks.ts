/**
 * Adapters from this module to the shapes the server core consumes: per-resource hooks
 * (defaults, kind validation, create preparation, Table printer) and the per-group-version
 * OpenAPI v3 documents keyed "v1" / "apps/v1".
 */
import type { FieldError, KubeObject } from '../../../api/meta/index.js';
import type { ResourceInfo, TableColumnDefinition } from '../contracts.js';
import { builtinResources } from './catalogue.js';
import { defaultBuiltin } from './defaults/index.js';
import { prepareBuiltinForCreate } from './defaults/prepare.js';
import { builtinOpenApiV3, builtinOpenApiV3Paths } from './openapi/index.js';
import { builtinTable } from './tables/index.js';
import { validateBuiltinKind } from './validation/index.js';

/** Per-resource hooks, structurally the server core's ResourceHooks. */
export interface BuiltinHooks {
  defaults(obj: KubeObject): void;
  validate(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  prepareForCreate(obj: KubeObject): void;
  readonly printer: { readonly columns: readonly TableColumnDefinition[]; cells(obj: KubeObject): unknown[] };
}

/** Hooks of one built-in resource; `now` gives the clock for AGE cells. Metadata is left to the core. */
export function builtinHooks(info: ResourceInfo, now: () => number = Date.now): BuiltinHooks {
  return {
    defaults: (obj) => defaultBuiltin(info, obj),
    validate: (obj, old) => validateBuiltinKind(info, obj, old),
    prepareForCreate: (obj) => prepareBuiltinForCreate(info, obj),
    printer: {
      columns: builtinTable(info, []).columnDefinitions,
      cells: (obj) => builtinTable(info, [obj], now()).rows[0]?.cells ?? [],
    },
  };
}

/**
 * Every built-in group-version's OpenAPI v3 document keyed "v1", "apps/v1", ... Each call returns
 * fresh `paths` and `components.schemas` maps over the cached schemas, so callers may add CRD
 * paths and schemas to them without changing the cache.
 */
export function builtinOpenApiV3Documents(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const path of builtinOpenApiV3Paths()) {
    const doc = builtinOpenApiV3(path);
    if (!doc) continue;
    const components = doc.components as { schemas: Record<string, unknown> };
    out[path.replace(/^apis?\//, '')] = { ...doc, paths: { ...(doc.paths as object) }, components: { ...components, schemas: { ...components.schemas } } };
  }
  return out;
}

/** The built-in resources with their hooks, ready for the registry. */
export function builtinServed(now: () => number = Date.now): { info: ResourceInfo; hooks: BuiltinHooks }[] {
  return builtinResources.map((info) => ({ info, hooks: builtinHooks(info, now) }));
}
