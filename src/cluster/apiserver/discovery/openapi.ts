/**
 * OpenAPI documents: /openapi/v3 (an index of group-versions, then one document per group-version)
 * and /openapi/v2 (one Swagger document), from the built-ins' documents and CRD schemas, so
 * `kubectl explain` and client-side validation find every kind by x-kubernetes-group-version-kind.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';

/** Reverse-DNS definition name of a kind, as Kubernetes names CRD schemas (io.kubevirt.v1.VirtualMachine). */
export function definitionName(group: string, version: string, kind: string): string {
  const g = group ? group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${g}.${version}.${kind}`;
}

const objectMetaRef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A minimal ObjectMeta schema so CRD documents resolve `metadata`. */
const objectMetaSchema = {
  description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Name must be unique within a namespace.' },
    generateName: { type: 'string', description: 'GenerateName is an optional prefix used by the server to generate a unique name.' },
    namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
    labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Map of string keys and values that can be used to organize and categorize objects.' },
    annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations is an unstructured key value map stored with a resource.' },
    uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
    resourceVersion: { type: 'string', description: 'An opaque value that represents the internal version of this object.' },
    generation: { type: 'integer', format: 'int64', description: 'A sequence number representing a specific generation of the desired state.' },
    creationTimestamp: { type: 'string', format: 'date-time', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    deletionTimestamp: { type: 'string', format: 'date-time', description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.' },
    finalizers: { type: 'array', items: { type: 'string' }, description: 'Must be empty before the object is deleted from the registry.' },
    ownerReferences: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'List of objects depended by this object.' },
  },
};

function crdSchema(r: ServedResource): Record<string, unknown> | undefined {
  const s = r.hooks.openAPIV3Schema as Record<string, unknown> | undefined;
  if (!s) return undefined;
  const props = { ...((s.properties as Record<string, unknown> | undefined) ?? {}) };
  props.metadata = { allOf: [{ $ref: `#/components/schemas/${objectMetaRef}` }], description: "Standard object's metadata." };
  props.apiVersion ??= { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  props.kind ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  return {
    ...s,
    type: 'object',
    properties: props,
    'x-kubernetes-group-version-kind': [{ group: r.info.group, version: r.info.version, kind: r.info.kind }],
  };
}

const queryParams = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  uniqueItems: true,
  schema: name === 'force' ? { type: 'boolean' } : { type: 'string' },
}));

/**
 * Adds the object path of a resource with its PATCH/PUT operations, tagged with the kind: kubectl
 * looks there to learn that the server validates fields itself (fieldValidation) before applying.
 */
function addPaths(doc: Record<string, unknown>, r: ServedResource): void {
  if (r.info.virtual) return;
  const i = r.info;
  const prefix = i.group ? `/apis/${i.group}/${i.version}` : `/api/${i.version}`;
  const path = `${prefix}${i.namespaced ? '/namespaces/{namespace}' : ''}/${i.plural}/{name}`;
  const gvk = { group: i.group, version: i.version, kind: i.kind };
  const op = (action: string) => ({ operationId: `${action}${i.kind}`, parameters: queryParams, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: {} });
  const paths = (doc.paths ??= {}) as Record<string, unknown>;
  const existing = paths[path] as Record<string, unknown> | undefined;
  if (existing?.patch) return;
  paths[path] = { ...existing, patch: op('patch'), put: op('put') };
}

/** Source of per-group-version documents provided by built-ins ("v1", "apps/v1" -> OpenAPI v3 doc). */
export type BuiltinDocs = () => Record<string, unknown>;

/** Serves and caches OpenAPI documents, rebuilt when the registry changes. */
export class OpenApi {
  private cacheGen = -1;
  private docs = new Map<string, Record<string, unknown>>();

  private v2: { gen: number; doc: Record<string, unknown> } | undefined;

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly builtins: BuiltinDocs | undefined,
    private readonly builtinV2?: () => Record<string, unknown>,
  ) {}

  private rebuild(): void {
    if (this.cacheGen === this.registry.generation) return;
    const docs = new Map<string, Record<string, unknown>>();
    for (const [gv, doc] of Object.entries(this.builtins?.() ?? {})) docs.set(gv, doc as Record<string, unknown>);
    for (const r of this.registry.all()) {
      const gv = r.info.group ? `${r.info.group}/${r.info.version}` : r.info.version;
      const doc = docs.get(gv) ?? { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, components: { schemas: {} } };
      addPaths(doc, r);
      const schema = crdSchema(r);
      if (schema) {
        const comps = (doc.components ??= { schemas: {} }) as { schemas: Record<string, unknown> };
        comps.schemas[definitionName(r.info.group, r.info.version, r.info.kind)] = schema;
        comps.schemas[objectMetaRef] ??= objectMetaSchema;
      }
      docs.set(gv, doc);
    }
    this.docs = docs;
    this.cacheGen = this.registry.generation;
  }

  /** GET /openapi/v3: `{paths: {"api/v1": {serverRelativeURL}}}`. */
  index(): unknown {
    this.rebuild();
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [gv, doc] of this.docs) {
      const p = gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
    return { paths };
  }

  /** GET /openapi/v3/api/v1 or /openapi/v3/apis/G/V. */
  groupVersion(path: string): unknown {
    this.rebuild();
    const gv = path.startsWith('apis/') ? path.slice(5) : path.startsWith('api/') ? path.slice(4) : path;
    return this.docs.get(gv);
  }

  /**
   * GET /openapi/v2: the built-ins' Swagger document plus every CRD schema (or, without a
   * built-in document, all v3 schemas converted). Cached until the registry changes, so callers
   * may cache encodings by document identity.
   */
  swagger(): Record<string, unknown> {
    this.rebuild();
    if (this.v2?.gen === this.registry.generation) return this.v2.doc;
    const base = this.builtinV2?.();
    const definitions: Record<string, unknown> = { ...((base?.definitions as Record<string, unknown> | undefined) ?? {}) };
    const toV2 = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('#/components/schemas/', '#/definitions/'));
    if (base) {
      for (const r of this.registry.all()) {
        const schema = crdSchema(r);
        if (schema) definitions[definitionName(r.info.group, r.info.version, r.info.kind)] = toV2(schema);
      }
      definitions[objectMetaRef] ??= objectMetaSchema;
    } else {
      for (const doc of this.docs.values()) {
        const schemas = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
        for (const [k, v] of Object.entries(schemas)) definitions[k] = toV2(v);
      }
    }
    const doc = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, ...base, definitions };
    this.v2 = { gen: this.registry.generation, doc };
    return doc;
  }
}
