/**
 * The OpenAPI v3 schema of one CRD version as kube-apiserver publishes it under /openapi/v3:
 * the structural schema with apiVersion, kind and metadata (a reference to ObjectMeta) added.
 */
import { jsonRoundTrip } from '../../../api/meta/json.js';
import { type JSONSchemaProps } from './schema.js';

/** The components key the metadata property refers to; the core must publish ObjectMeta under it. */
export const objectMetaRef = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const apiVersionDescription =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDescription =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const metadataDescription =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** Builds the published schema for group/version/kind from the version's openAPIV3Schema. */
export function openAPIV3For(schema: JSONSchemaProps | undefined, gvk: { group: string; version: string; kind: string }): JSONSchemaProps {
  const out: JSONSchemaProps = schema ? jsonRoundTrip(schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  out.type ??= 'object';
  const props = { ...(out.properties ?? {}) };
  props['apiVersion'] = { description: apiVersionDescription, type: 'string' };
  props['kind'] = { description: kindDescription, type: 'string' };
  props['metadata'] = { allOf: [{ $ref: objectMetaRef }], description: metadataDescription };
  out.properties = props;
  out['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  return out;
}

/** kube-openapi's REST-friendly definition name: `kubevirt.io/v1/VirtualMachine` -> `io.kubevirt.v1.VirtualMachine`. */
export function definitionName(group: string, version: string, kind: string): string {
  const g = group.includes('.') ? group.split('.').reverse().join('.') : group;
  return [g, version, kind].filter((p) => p !== '').join('.');
}

/** Strips what OpenAPI v2 (and kubectl's v2 reader) cannot express, as ToStructuralOpenAPIV2 does. */
function toV2Node(s: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...s };
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  if (out.nullable === true) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
  }
  if (out.type === 'array' && out.items === undefined) delete out.type;
  if (out.properties) {
    const props = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, toV2Node(v)]));
    const nullable = Object.entries(s.properties ?? {}).filter(([, v]) => v.nullable === true).map(([k]) => k);
    if (out.required && nullable.length > 0) out.required = out.required.filter((r) => !nullable.includes(r));
    out.properties = props;
  }
  if (typeof out.additionalProperties === 'object') {
    if (out.additionalProperties.nullable === true) delete out.required;
    out.additionalProperties = toV2Node(out.additionalProperties);
  }
  if (out.items && !Array.isArray(out.items)) out.items = toV2Node(out.items);
  if (out.required?.length === 0) delete out.required;
  return out;
}

/** The schema of one CRD version for /openapi/v2 (definitions keyed by definitionName). */
export function openAPIV2For(schema: JSONSchemaProps | undefined, gvk: { group: string; version: string; kind: string }): JSONSchemaProps {
  const v3 = openAPIV3For(schema, gvk);
  const props = { ...(v3.properties ?? {}) };
  props['metadata'] = { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: metadataDescription };
  return toV2Node({ ...v3, properties: props });
}
