/**
 * The six kubevirt.io CustomResourceDefinitions as upstream's virt-operator generates them
 * (pkg/virt-operator/resource/generate/components/crds.go): names, short names, category `all`,
 * printer columns, subresources and served versions, with schemas from our TypeBox types.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  GROUP,
  KubeVirtSchema,
  VirtualMachineInstanceMigrationSchema,
  VirtualMachineInstancePresetSchema,
  VirtualMachineInstanceReplicaSetSchema,
  VirtualMachineInstanceSchema,
  VirtualMachineSchema,
} from '../kubevirt/index.js';
import { toOpenAPI, type JSONSchemaProps } from './openapi.js';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: {
    status?: Record<string, never>;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition (the parts we emit). */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { plural: string; singular: string; kind: string; listKind: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: CRDVersion[];
  };
}

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const phase: PrinterColumn = { name: 'Phase', type: 'string', jsonPath: '.status.phase' };
const condition = (name: string, type: string, priority?: number): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=='${type}')].status`,
  ...(priority === undefined ? {} : { priority }),
});

interface KindSpec {
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly schema: TSchema;
  readonly columns?: readonly PrinterColumn[];
  readonly status?: boolean;
  readonly scale?: boolean;
  readonly labels?: Record<string, string>;
  readonly versions?: readonly Omit<CRDVersion, 'schema'>[];
}

/** v1 is stored; v1alpha3 is still served (deprecated), as upstream's ApiSupportedVersions. */
const standardVersions: readonly Omit<CRDVersion, 'schema'>[] = [
  { name: 'v1', served: true, storage: true },
  {
    name: 'v1alpha3',
    served: true,
    storage: false,
    deprecated: true,
    deprecationWarning: 'kubevirt.io/v1alpha3 is now deprecated and will be removed in a future release.',
  },
];

const KINDS: readonly KindSpec[] = [
  {
    kind: 'VirtualMachineInstance',
    plural: 'virtualmachineinstances',
    shortNames: ['vmi', 'vmis'],
    schema: VirtualMachineInstanceSchema,
    columns: [
      age,
      phase,
      { name: 'IP', type: 'string', jsonPath: '.status.interfaces[0].ipAddress' },
      { name: 'NodeName', type: 'string', jsonPath: '.status.nodeName' },
      condition('Ready', 'Ready'),
      condition('Live-Migratable', 'LiveMigratable', 1),
      condition('Paused', 'Paused', 1),
    ],
  },
  {
    kind: 'VirtualMachine',
    plural: 'virtualmachines',
    shortNames: ['vm', 'vms'],
    schema: VirtualMachineSchema,
    columns: [
      age,
      { name: 'Status', type: 'string', jsonPath: '.status.printableStatus', description: 'Human Readable Status' },
      condition('Ready', 'Ready'),
    ],
    status: true,
  },
  {
    kind: 'VirtualMachineInstanceReplicaSet',
    plural: 'virtualmachineinstancereplicasets',
    shortNames: ['vmirs', 'vmirss'],
    schema: VirtualMachineInstanceReplicaSetSchema,
    columns: [
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired VirtualMachineInstances' },
      { name: 'Current', type: 'integer', jsonPath: '.status.replicas', description: 'Number of managed and not final or deleted VirtualMachineInstances' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Number of managed VirtualMachineInstances which are ready to receive traffic' },
      age,
    ],
    status: true,
    scale: true,
  },
  {
    kind: 'VirtualMachineInstanceMigration',
    plural: 'virtualmachineinstancemigrations',
    shortNames: ['vmim', 'vmims'],
    schema: VirtualMachineInstanceMigrationSchema,
    columns: [
      { ...phase, description: 'The current phase of VM instance migration' },
      { name: 'VMI', type: 'string', jsonPath: '.spec.vmiName', description: 'The name of the VMI to perform the migration on' },
    ],
    status: true,
  },
  {
    kind: 'VirtualMachineInstancePreset',
    plural: 'virtualmachineinstancepresets',
    shortNames: ['vmipreset', 'vmipresets'],
    schema: VirtualMachineInstancePresetSchema,
    versions: [
      { name: 'v1', served: true, storage: false, deprecated: true, deprecationWarning: 'kubevirt.io/v1 VirtualMachineInstancePresets is now deprecated and will be removed in v2.' },
      { name: 'v1alpha3', served: true, storage: true, deprecated: true, deprecationWarning: 'kubevirt.io/v1alpha3 VirtualMachineInstancePresets is now deprecated and will be removed in v2.' },
    ],
  },
  {
    kind: 'KubeVirt',
    plural: 'kubevirts',
    shortNames: ['kv', 'kvs'],
    schema: KubeVirtSchema,
    columns: [age, phase],
    status: true,
    labels: { 'operator.kubevirt.io': '' },
  },
];

function buildCrd(k: KindSpec): CustomResourceDefinition {
  const openAPIV3Schema = toOpenAPI(k.schema);
  const versions = (k.versions ?? standardVersions).map((v): CRDVersion => {
    const out: CRDVersion = { ...v, schema: { openAPIV3Schema } };
    if (k.status || k.scale) {
      out.subresources = {};
      if (k.scale) out.subresources.scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' };
      if (k.status) out.subresources.status = {};
    }
    if (k.columns) out.additionalPrinterColumns = [...k.columns];
    return out;
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${GROUP}`, labels: k.labels ?? { 'kubevirt.io': '' } },
    spec: {
      group: GROUP,
      names: {
        plural: k.plural,
        singular: k.kind.toLowerCase(),
        kind: k.kind,
        listKind: `${k.kind}List`,
        shortNames: [...k.shortNames],
        categories: ['all'],
      },
      scope: 'Namespaced',
      versions,
    },
  };
}

/** Every kubevirt.io CRD, built fresh from the TypeBox types. */
export function kubevirtCrds(): CustomResourceDefinition[] {
  return KINDS.map(buildCrd);
}

/** The CRD of one kind (e.g. 'VirtualMachineInstance'), or undefined. */
export function kubevirtCrd(kind: string): CustomResourceDefinition | undefined {
  const k = KINDS.find((x) => x.kind === kind);
  return k ? buildCrd(k) : undefined;
}
