/**
 * The OpenAPI v3 schema of one CRD version as kube-apiserver publishes it under /openapi/v3:
 * the structural schema with apiVersion, kind and metadata (a reference to ObjectMeta) added.
 */
import { cloneJSON, type JSONSchemaProps } from './schema.js';

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
  const out: JSONSchemaProps = schema ? cloneJSON(schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  out.type ??= 'object';
  const props = { ...(out.properties ?? {}) };
  props['apiVersion'] = { description: apiVersionDescription, type: 'string' };
  props['kind'] = { description: kindDescription, type: 'string' };
  props['metadata'] = { allOf: [{ $ref: objectMetaRef }], description: metadataDescription };
  out.properties = props;
  out['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  return out;
}
