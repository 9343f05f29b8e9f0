/**
 * Checks an object against the openAPIV3Schema of its kubevirt.io CRD with ajv: the shape check the
 * API server applies before admission (types, required fields, maxItems, enums). Pure; compiled
 * validators are cached per kind.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { kubevirtCrd } from './definitions.js';

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
// Kubernetes' OpenAPI formats: accepted as annotations, as the API server does for these.
for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'date-time']) ajv.addFormat(f, true);

const cache = new Map<string, ValidateFunction>();

/** A schema violation: the path in Kubernetes field syntax and the ajv message. */
export interface SchemaViolation {
  readonly field: string;
  readonly message: string;
}

function validatorFor(kind: string): ValidateFunction {
  let v = cache.get(kind);
  if (!v) {
    const crd = kubevirtCrd(kind);
    if (!crd) throw new Error(`no kubevirt.io CRD for kind ${kind}`);
    const storage = crd.spec.versions.find((x) => x.storage) ?? crd.spec.versions[0];
    if (!storage) throw new Error(`CRD ${crd.metadata.name} has no versions`);
    v = ajv.compile(storage.schema.openAPIV3Schema);
    cache.set(kind, v);
  }
  return v;
}

/** Violations of `obj` against the CRD schema of `obj.kind`; empty when it conforms. */
export function checkAgainstCrd(obj: { kind?: string }): SchemaViolation[] {
  if (!obj.kind) return [{ field: 'kind', message: 'is required' }];
  const validate = validatorFor(obj.kind);
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => ({
    field: e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.'),
    message: e.message ?? 'is invalid',
  }));
}
