/** Builders for CustomResourceDefinition fixtures shared by this module's tests. */
import type { KubeObject } from '../../../api/meta/index.js';
import type { CrdSpec } from './crd-types.js';
import type { JSONSchemaProps } from './schema.js';

/** A CRD fixture with its spec typed for easy mutation. */
export interface TestCrd extends KubeObject {
  spec: CrdSpec & { versions: NonNullable<CrdSpec['versions']> };
}

/** A valid v1 CRD `widgets.example.com` with one version v1 using `schema`; `mutate` adjusts it. */
export function newCrd(schema: JSONSchemaProps, mutate?: (crd: TestCrd) => void): TestCrd {
  const crd: TestCrd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
  mutate?.(crd);
  return crd;
}

/** A schema with spec/status objects holding `spec` properties. */
export function objectSchema(spec: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: spec, ...extra },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}
