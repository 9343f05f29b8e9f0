/**
 * Patch metadata of object fields: the `patchStrategy`/`patchMergeKey` tags of k8s.io/api types
 * (for strategic merge patch) and the `listType`/`listMapKey`/`structType` markers (for
 * server-side apply), in one tree per kind. Fields not described merge as plain objects and
 * replace lists (SMP) or treat lists as atomic (SSA), as upstream does for untagged fields.
 */

export interface FieldSchema {
  /** patchStrategy "merge": lists of objects merge by mergeKey, lists of scalars merge as sets. */
  readonly merge?: boolean;
  /** patchStrategy "retainKeys" (volumes, resourceClaims): honours `$retainKeys`. */
  readonly retainKeys?: boolean;
  readonly mergeKey?: string;
  /**
   * SSA `+listMapKey`s when they differ from [mergeKey] (container ports: containerPort, protocol), or
   * for lists SSA keys although strategic merge replaces them (CRD spec.versions).
   */
  readonly listMapKeys?: readonly string[];
  /** Defaults of list-map key fields an element may omit (protocol "TCP"). */
  readonly keyDefaults?: Readonly<Record<string, string | number>>;
  /** SSA treats the list as atomic although SMP merges it (`+listType=atomic` with a patch strategy). */
  readonly ssaAtomic?: boolean;
  /** `+structType=atomic` / `+mapType=atomic`: SSA owns and replaces it as a whole. */
  readonly atomic?: boolean;
  /** A map[string]T: its keys are map entries (owned one by one), not struct fields. */
  readonly map?: boolean;
  /** Fields of the value (a struct), or of each element (a list of structs), or of each map value. */
  readonly fields?: StructSchema;
}

/** The described fields of a struct, by JSON name. */
export type StructSchema = Readonly<Record<string, FieldSchema>>;

/** The schema of one named field of a struct, or an empty one when the field is not described. */
export function fieldOf(s: StructSchema | undefined, name: string): FieldSchema {
  return s?.[name] ?? {};
}

/** SSA list semantics of a field: keyed map, set of scalars, or atomic. */
export type ListType = { readonly type: 'map'; readonly keys: readonly string[] } | { readonly type: 'set' } | { readonly type: 'atomic' };

/** The SSA list type of a field, from its SSA markers or, failing those, its SMP strategy. */
export function listTypeOf(f: FieldSchema): ListType {
  if (f.ssaAtomic) return { type: 'atomic' };
  if (f.listMapKeys) return { type: 'map', keys: f.listMapKeys };
  if (!f.merge) return { type: 'atomic' };
  if (f.mergeKey) return { type: 'map', keys: [f.mergeKey] };
  return { type: 'set' };
}

const byName = (fields?: StructSchema): FieldSchema => ({ merge: true, mergeKey: 'name', ...(fields ? { fields } : {}) });
const byType: FieldSchema = { merge: true, mergeKey: 'type' };
const byIp: FieldSchema = { merge: true, mergeKey: 'ip' };
const mapField: FieldSchema = { map: true };
const setField: FieldSchema = { merge: true };

/** metav1.ObjectMeta */
export const objectMetaSchema: StructSchema = {
  labels: mapField,
  annotations: mapField,
  finalizers: setField,
  ownerReferences: { merge: true, mergeKey: 'uid' },
};

/** metav1.LabelSelector is `+structType=atomic`. */
const labelSelector: FieldSchema = { atomic: true, fields: { matchLabels: mapField } };
const resources: FieldSchema = { fields: { limits: mapField, requests: mapField } };

const container: StructSchema = {
  ports: { merge: true, mergeKey: 'containerPort', listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
  env: byName(),
  volumeMounts: { merge: true, mergeKey: 'mountPath' },
  volumeDevices: { merge: true, mergeKey: 'devicePath' },
  resources,
};

const podSpec: StructSchema = {
  volumes: { merge: true, retainKeys: true, mergeKey: 'name' },
  initContainers: byName(container),
  containers: byName(container),
  ephemeralContainers: byName(container),
  imagePullSecrets: byName(),
  hostAliases: byIp,
  topologySpreadConstraints: {
    merge: true,
    mergeKey: 'topologyKey',
    listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    fields: { labelSelector },
  },
  schedulingGates: byName(),
  resourceClaims: { merge: true, retainKeys: true, mergeKey: 'name' },
  nodeSelector: mapField,
  overhead: mapField,
};

const podTemplate: FieldSchema = { fields: { metadata: { fields: objectMetaSchema }, spec: { fields: podSpec } } };
const conditionsStatus: FieldSchema = { fields: { conditions: byType } };

const workloadSpec: StructSchema = { selector: labelSelector, template: podTemplate };
const workload = (conditions: FieldSchema = byType): StructSchema => ({
  spec: { fields: workloadSpec },
  status: { fields: { conditions } },
});

/** Per-kind trees, keyed `group/Kind` ('' group for core); `metadata` is added to each. */
const kinds: Readonly<Record<string, StructSchema>> = {
  '/Pod': {
    spec: { fields: podSpec },
    status: { fields: { conditions: byType, podIPs: byIp, hostIPs: byIp } },
  },
  '/PodTemplate': { template: podTemplate },
  '/ReplicationController': { spec: { fields: { selector: mapField, template: podTemplate } }, status: conditionsStatus },
  '/Service': {
    spec: {
      fields: {
        ports: { merge: true, mergeKey: 'port', listMapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
        selector: mapField,
      },
    },
    status: conditionsStatus,
  },
  '/Node': {
    spec: { fields: { podCIDRs: setField } },
    status: { fields: { addresses: byType, conditions: byType, capacity: mapField, allocatable: mapField } },
  },
  '/Namespace': { status: conditionsStatus },
  '/PersistentVolumeClaim': {
    spec: { fields: { selector: labelSelector, resources } },
    status: { fields: { conditions: byType, capacity: mapField, allocatedResources: mapField } },
  },
  '/PersistentVolume': { spec: { fields: { capacity: mapField, claimRef: { atomic: true } } } },
  '/ConfigMap': { data: mapField, binaryData: mapField },
  '/Secret': { data: mapField, stringData: mapField },
  '/ServiceAccount': { secrets: byName() },
  'apps/Deployment': workload(),
  'apps/ReplicaSet': workload(),
  'apps/DaemonSet': workload(),
  'apps/StatefulSet': workload(),
  'batch/Job': workload({ ...byType, ssaAtomic: true }),
  'batch/CronJob': {
    spec: { fields: { jobTemplate: { fields: { metadata: { fields: objectMetaSchema }, spec: { fields: workloadSpec } } } } },
  },
  'policy/PodDisruptionBudget': {
    spec: { fields: { selector: labelSelector } },
    status: { fields: { conditions: byType, disruptedPods: mapField } },
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { webhooks: byName() },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { webhooks: byName() },
  'apiregistration.k8s.io/APIService': { status: conditionsStatus },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    spec: { fields: { versions: { listMapKeys: ['name'] } } },
    status: conditionsStatus,
  },
  'storage.k8s.io/StorageClass': { parameters: mapField },
};

const built = new Map<string, StructSchema>();

/** The patch schema of a kind (metadata always described); unknown kinds get metadata only. Built once per kind and shared: read only. */
export function schemaFor(group: string, kind: string): StructSchema {
  const key = `${group}/${kind}`;
  let s = built.get(key);
  if (!s) built.set(key, (s = { ...(kinds[key] ?? {}), metadata: { fields: objectMetaSchema } }));
  return s;
}
