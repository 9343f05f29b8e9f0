/**
 * Compiles an accepted CustomResourceDefinition into one CompiledCrdVersion per version: the
 * ResourceInfo served in discovery, printer columns, scale paths, and the prune/default/validate
 * functions the server core runs on every custom object it stores.
 */
import type { FieldError, KubeObject } from '../../../api/meta/index.js';
import type { CompiledCrdVersion, PrinterColumn, ResourceInfo, Verb } from '../contracts.js';
import { crdSpec, type CrdSpec, type CrdVersion } from './crd-types.js';
import { applyDefaults } from './defaults.js';
import { validateEmbeddedResources } from './embedded.js';
import { openAPIV2For, openAPIV3For } from './openapi.js';
import { prune, pruneNonNullableNulls } from './prune.js';
import { referenceOf } from './reference.js';
import { jsonRoundTrip } from '../../../api/meta/json.js';
import { type JSONSchemaProps } from './schema.js';
import { validateListTypes, validateValue } from './validate-value.js';

const allVerbs: readonly Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** The column kube-apiserver shows for a CRD version without additionalPrinterColumns. */
export const defaultAgeColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  jsonPath: '.metadata.creationTimestamp',
};

function resourceInfo(spec: CrdSpec, v: CrdVersion): ResourceInfo {
  const names = spec.names ?? {};
  const kind = names.kind ?? '';
  const subresources: string[] = [];
  if (v.subresources?.status) subresources.push('status');
  if (v.subresources?.scale) subresources.push('scale');
  const fieldSelectors = (v.selectableFields ?? []).map((f) => (f.jsonPath ?? '').replace(/^\./, '')).filter((f) => f !== '');
  return {
    group: spec.group ?? '',
    version: v.name ?? '',
    kind,
    listKind: names.listKind || `${kind}List`,
    plural: names.plural ?? '',
    singular: names.singular || kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: [...(names.shortNames ?? [])],
    categories: [...(names.categories ?? [])],
    verbs: allVerbs,
    subresources,
    ...(fieldSelectors.length > 0 ? { fieldSelectors } : {}),
    hasGeneration: true,
  };
}

function printerColumns(v: CrdVersion): PrinterColumn[] {
  const cols = v.additionalPrinterColumns ?? [];
  if (cols.length === 0) return [defaultAgeColumn];
  return cols.map((c) => ({
    name: c.name ?? '',
    type: c.type ?? 'string',
    ...(c.format ? { format: c.format } : {}),
    ...(c.description ? { description: c.description } : {}),
    ...(c.priority ? { priority: c.priority } : {}),
    jsonPath: c.jsonPath ?? '',
  }));
}

/** One version; a CRD-level preserveUnknownFields (v1 forbids it) turns pruning off. */
function compileVersion(spec: CrdSpec, v: CrdVersion): CompiledCrdVersion {
  const schema: JSONSchemaProps | undefined = v.schema?.openAPIV3Schema;
  const info = resourceInfo(spec, v);
  const scale = v.subresources?.scale;
  return {
    info,
    storage: v.storage === true,
    served: v.served === true,
    printerColumns: printerColumns(v),
    ...(scale
      ? {
          scale: {
            specReplicasPath: scale.specReplicasPath ?? '',
            statusReplicasPath: scale.statusReplicasPath ?? '',
            ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}),
          },
        }
      : {}),
    pruneAndDefault(obj: KubeObject): void {
      if (!schema) return;
      const ref = referenceOf(obj, 'default');
      if (spec.preserveUnknownFields !== true) prune(obj, schema, true, ref);
      pruneNonNullableNulls(obj, schema, ref);
      applyDefaults(obj, schema, ref);
    },
    validate(obj: KubeObject): FieldError[] {
      if (!schema) return [];
      const ref = referenceOf(obj, 'validate');
      return [...validateValue(obj, schema, '', ref), ...validateEmbeddedResources(obj, schema, ref), ...validateListTypes(obj, schema, '', ref)];
    },
    unknownFieldPaths(obj: KubeObject): string[] {
      if (!schema || spec.preserveUnknownFields === true) return [];
      return prune(jsonRoundTrip(obj), schema, true);
    },
    openAPIV3Schema: openAPIV3For(schema, { group: info.group, version: info.version, kind: info.kind }),
    openAPIV2Schema: openAPIV2For(schema, { group: info.group, version: info.version, kind: info.kind }),
  };
}

/** Every version of the CRD, in spec order. */
export function compileCrd(crd: KubeObject): CompiledCrdVersion[] {
  const spec = crdSpec(crd);
  return (spec.versions ?? []).map((v) => compileVersion(spec, v));
}
