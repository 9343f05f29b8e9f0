/**
 * TypeBox schema -> plain OpenAPI v3 object for a CRD: drops TypeBox's symbol keys, and leaves
 * property order as defined so the generated YAML is stable.
 */
import type { TSchema } from '@sinclair/typebox';

/** A JSON schema node as CRDs carry it (apiextensions.k8s.io/v1 JSONSchemaProps). */
export type JSONSchemaProps = { [key: string]: unknown };

/** Converts a TypeBox schema to a plain, JSON-serialisable OpenAPI schema. */
export function toOpenAPI(schema: TSchema): JSONSchemaProps {
  return strip(JSON.parse(JSON.stringify(schema))) as JSONSchemaProps;
}

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Empty marker structs print as `type: object` alone, as upstream's CRDs do.
    if (k === 'properties' && typeof v === 'object' && v !== null && Object.keys(v).length === 0) continue;
    out[k] = strip(v);
  }
  return out;
}
