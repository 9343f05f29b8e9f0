/**
 * The parts of apiextensions.k8s.io/v1 CustomResourceDefinition this module reads, and the
 * accessor that reads them from an untyped stored object.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { JSONSchemaProps } from './schema.js';

/** spec.names (and status.acceptedNames). */
export interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

/** One entry of additionalPrinterColumns. */
export interface CrdColumn {
  name?: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath?: string;
}

/** subresources.scale: JSONPaths of the replica counts and label selector. */
export interface CrdScale {
  specReplicasPath?: string;
  statusReplicasPath?: string;
  labelSelectorPath?: string;
}

/** One entry of spec.versions. */
export interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: CrdScale };
  additionalPrinterColumns?: CrdColumn[];
  selectableFields?: { jsonPath?: string }[];
}

/** CustomResourceDefinition spec. */
export interface CrdSpec {
  group?: string;
  names?: CrdNames;
  scope?: string;
  versions?: CrdVersion[];
  preserveUnknownFields?: boolean;
  conversion?: { strategy?: string; webhook?: unknown };
}

/** The spec of a CRD object (empty when absent). */
export function crdSpec(crd: KubeObject): CrdSpec {
  const spec = crd['spec'];
  return typeof spec === 'object' && spec !== null ? (spec) : {};
}
