/**
 * rbac.authorization.k8s.io/v1 shapes this module reads from stored objects, and accessors that
 * read them defensively (stored objects are untyped KubeObjects).
 */
import type { KubeObject, LabelSelector } from '../../../api/meta/index.js';

/** rbac/v1 PolicyRule. */
export interface PolicyRule {
  readonly verbs?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A binding subject: User, Group or ServiceAccount. */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

/** A binding's roleRef: Role or ClusterRole by name. */
export interface RoleRef {
  readonly apiGroup?: string;
  readonly kind: string;
  readonly name: string;
}

/** A ClusterRole's aggregationRule. */
export interface AggregationRule {
  readonly clusterRoleSelectors?: readonly LabelSelector[];
}

/** The rules of a Role or ClusterRole object. */
export function rulesOf(role: KubeObject): readonly PolicyRule[] {
  const r = role['rules'];
  return Array.isArray(r) ? (r as PolicyRule[]) : [];
}

/** The subjects of a (Cluster)RoleBinding. */
export function subjectsOf(binding: KubeObject): readonly Subject[] {
  const s = binding['subjects'];
  return Array.isArray(s) ? (s as Subject[]) : [];
}

/** The roleRef of a (Cluster)RoleBinding (empty kind/name when absent). */
export function roleRefOf(binding: KubeObject): RoleRef {
  const r = binding['roleRef'];
  return typeof r === 'object' && r !== null ? (r as RoleRef) : { kind: '', name: '' };
}

/** The aggregationRule of a ClusterRole, if any. */
export function aggregationRuleOf(role: KubeObject): AggregationRule | undefined {
  const a = role['aggregationRule'];
  return typeof a === 'object' && a !== null ? (a) : undefined;
}
