/**
 * The pieces of Kubernetes core/v1 and meta/v1 that kubevirt.io/v1 embeds (tolerations, probes'
 * actions, DNS config, label selectors, PVC references...). Large Kubernetes structs whose inner
 * shape KubeVirt never reads (affinity terms) are kept as preserved objects.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ObjectMeta } from '../meta/index.js';
import { arr, bool, int32, int64, intOrString, obj, opt, preserve, str, strEnum, strList, stringMap, time } from './schema.js';

export const LocalObjectReferenceSchema = obj('A reference to an object by name in the same namespace.', {
  name: opt(str('Name of the referent.')),
});
export type LocalObjectReference = Static<typeof LocalObjectReferenceSchema>;

export const LabelSelectorRequirementSchema = obj('A selector requirement: a key, an operator and values.', {
  key: str('The label key that the selector applies to.'),
  operator: strEnum(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const, "A key's relationship to a set of values: In, NotIn, Exists or DoesNotExist."),
  values: opt(strList('String values; non-empty for In and NotIn, empty for Exists and DoesNotExist.')),
});
export const LabelSelectorSchema = obj('A label query over a set of resources; matchLabels and matchExpressions are ANDed.', {
  matchLabels: opt(stringMap('Equality requirements: {key: value}.')),
  matchExpressions: opt(arr('Set-based requirements.', LabelSelectorRequirementSchema)),
});
export type LabelSelector = Static<typeof LabelSelectorSchema>;

export const TolerationSchema = obj('Tolerates any taint that matches the key, value and effect using the operator.', {
  key: opt(str('The taint key the toleration applies to; empty matches all keys.')),
  operator: opt(strEnum(['Exists', 'Equal'] as const, 'Exists or Equal (default Equal).')),
  value: opt(str('The taint value the toleration matches.')),
  effect: opt(strEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, 'The taint effect to match; empty matches all effects.')),
  tolerationSeconds: opt(int64('For NoExecute: how long the pod stays bound after the taint appears.')),
});
export type Toleration = Static<typeof TolerationSchema>;

export const TopologySpreadConstraintSchema = obj('How to spread matching pods among the given topology.', {
  maxSkew: int32('The degree to which pods may be unevenly distributed.'),
  topologyKey: str('The node label key defining a topology domain.'),
  whenUnsatisfiable: strEnum(['DoNotSchedule', 'ScheduleAnyway'] as const, 'What to do with a pod that does not satisfy the constraint.'),
  labelSelector: opt(LabelSelectorSchema),
  minDomains: opt(int32('Minimum number of eligible domains.')),
  nodeAffinityPolicy: opt(str('Honor or Ignore the pod nodeAffinity/nodeSelector when calculating skew.')),
  nodeTaintsPolicy: opt(str('Honor or Ignore node taints when calculating skew.')),
  matchLabelKeys: opt(strList('Pod label keys used to select the pods over which spreading is calculated.', { 'x-kubernetes-list-type': 'atomic' })),
});
export type TopologySpreadConstraint = Static<typeof TopologySpreadConstraintSchema>;

export const AffinitySchema = obj('Scheduling constraints (node affinity, pod affinity and anti-affinity), as in a Pod.', {
  nodeAffinity: opt(preserve('Node affinity scheduling rules.')),
  podAffinity: opt(preserve('Inter-pod affinity scheduling rules.')),
  podAntiAffinity: opt(preserve('Inter-pod anti-affinity scheduling rules.')),
});
export type Affinity = Static<typeof AffinitySchema>;

export const PodDNSConfigSchema = obj('DNS parameters merged into the generated DNS configuration.', {
  nameservers: opt(strList('DNS name server IP addresses.')),
  searches: opt(strList('DNS search domains for host-name lookup.')),
  options: opt(
    arr(
      'DNS resolver options.',
      obj('One resolver option.', { name: opt(str('Required.')), value: opt(str('The option value.')) }),
    ),
  ),
});
export type PodDNSConfig = Static<typeof PodDNSConfigSchema>;

export const ExecActionSchema = obj('Runs a command (through the guest agent for VMIs).', {
  command: opt(strList('The command line to execute; exit status 0 is healthy.')),
});
export const HTTPHeaderSchema = obj('A custom HTTP header.', { name: str('Header field name.'), value: str('Header field value.') });
export const HTTPGetActionSchema = obj('An HTTP GET request.', {
  path: opt(str('Path to access on the HTTP server.')),
  port: intOrString('Port name or number to access.'),
  host: opt(str('Host name to connect to; defaults to the pod IP.')),
  scheme: opt(strEnum(['HTTP', 'HTTPS'] as const, 'Scheme to use; defaults to HTTP.')),
  httpHeaders: opt(arr('Custom headers to set in the request.', HTTPHeaderSchema, { 'x-kubernetes-list-type': 'atomic' })),
});
export const TCPSocketActionSchema = obj('Opens a TCP connection.', {
  port: intOrString('Port name or number to connect to.'),
  host: opt(str('Host name to connect to; defaults to the pod IP.')),
});

export const PersistentVolumeClaimVolumeSourceSchema = {
  claimName: str('Name of a PersistentVolumeClaim in the same namespace.'),
  readOnly: opt(bool('Forces the volume to be read-only. Defaults to false.')),
};

export const ObjectFieldSelectorSchema = obj('Selects a field of the pod.', {
  apiVersion: opt(str('Schema version of fieldPath; defaults to v1.')),
  fieldPath: str('Path of the field to select.'),
});
export const ResourceFieldSelectorSchema = obj('Selects a resource of a container.', {
  containerName: opt(str('Container name.')),
  resource: str('Resource to select.'),
  divisor: opt(intOrString('Output format of the exposed resources; defaults to 1.')),
});
export const DownwardAPIVolumeFileSchema = obj('One file of a downward API volume.', {
  path: str('Relative path of the file to create.'),
  fieldRef: opt(ObjectFieldSelectorSchema),
  resourceFieldRef: opt(ResourceFieldSelectorSchema),
  mode: opt(int32('File mode bits.')),
});

/** The condition shape every kubevirt.io kind uses (type/status/reason/message and two times). */
export const conditionSchema = <const V extends readonly string[]>(description: string, types: V) =>
  obj(description, {
    type: strEnum(types, 'Condition type.'),
    status: strEnum(['True', 'False', 'Unknown'] as const, 'True, False or Unknown.'),
    lastProbeTime: opt(time('Last time the condition was probed.')),
    lastTransitionTime: opt(time('Last time the condition changed status.')),
    reason: opt(str('A brief CamelCase reason for the last transition.')),
    message: opt(str('A human-readable message with details.')),
  });

/** metav1.ObjectMeta as CRD schemas carry it (the API server validates it itself). */
export const ObjectMetaSchema = Type.Unsafe<ObjectMeta>({ type: 'object' });
/** Template metadata: upstream keeps unknown fields and allows null. */
export const TemplateMetaSchema = Type.Unsafe<ObjectMeta>({
  type: 'object',
  nullable: true,
  'x-kubernetes-preserve-unknown-fields': true,
});

/** corev1.PullPolicy values. */
export const PULL_POLICIES = ['Always', 'Never', 'IfNotPresent'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
