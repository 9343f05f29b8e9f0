/**
 * Checks an object against the openAPIV3Schema of its kubevirt.io CRD: the shape check the API
 * server applies before admission (types, required fields, maxItems, enums), as FieldErrors.
 */
import type { FieldError } from '../meta/index.js';
import { kubevirtCrd } from './definitions.js';
import type { JSONSchemaProps } from './openapi.js';
import { validateStructural } from './structural.js';

const cache = new Map<string, JSONSchemaProps>();

/** The storage-version schema of a kubevirt.io kind. */
export function crdSchemaFor(kind: string): JSONSchemaProps {
  let s = cache.get(kind);
  if (!s) {
    const crd = kubevirtCrd(kind);
    if (!crd) throw new Error(`no kubevirt.io CRD for kind ${kind}`);
    const storage = crd.spec.versions.find((x) => x.storage) ?? crd.spec.versions[0];
    if (!storage) throw new Error(`CRD ${crd.metadata.name} has no versions`);
    s = storage.schema.openAPIV3Schema;
    cache.set(kind, s);
  }
  return s;
}

/** Violations of `obj` against the CRD schema of `obj.kind`; empty when it conforms. */
export function checkAgainstCrd(obj: { kind?: string }): FieldError[] {
  if (!obj.kind) return [{ type: 'FieldValueRequired', field: 'kind', detail: '' }];
  return validateStructural(crdSchemaFor(obj.kind), obj);
}
