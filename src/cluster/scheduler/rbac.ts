/**
 * RBAC for the scheduler's own identity (user `system:kube-scheduler`, as kube-scheduler's
 * kubeconfig names it upstream): kube-apiserver's bootstrap `system:kube-scheduler` and
 * `system:volume-scheduler` ClusterRoles (v1.30 rule sets), each bound to that user.
 */
import type { KubeObject } from '../../api/meta/index.js';

/** The user kube-scheduler authenticates as (client-go's user.KubeScheduler). */
export const SCHEDULER_USER = 'system:kube-scheduler';
/** The Lease kube-scheduler's leader election holds (--leader-elect-resource-namespace/-name defaults). */
export const SCHEDULER_LEASE = { namespace: 'kube-system', name: 'kube-scheduler' } as const;

const rbac = 'rbac.authorization.k8s.io';
const read = ['get', 'list', 'watch'];
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]) => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
const meta = (name: string) => ({ name, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } });

/** The rules of upstream's `system:kube-scheduler` ClusterRole. */
function kubeSchedulerRules() {
  return [
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], [SCHEDULER_LEASE.name]),
    rule([''], ['nodes'], read),
    rule([''], ['pods'], ['get', 'list', 'watch', 'delete']),
    rule([''], ['bindings', 'pods/binding'], ['create']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule([''], ['replicationcontrollers', 'services'], read),
    rule(['apps', 'extensions'], ['replicasets'], read),
    rule(['apps'], ['statefulsets'], read),
    rule(['policy'], ['poddisruptionbudgets'], read),
    rule([''], ['persistentvolumeclaims', 'persistentvolumes'], read),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    rule(['storage.k8s.io'], ['csinodes'], read),
    rule([''], ['namespaces'], read),
    rule(['storage.k8s.io'], ['csidrivers'], read),
    rule(['storage.k8s.io'], ['csistoragecapacities'], read),
  ];
}

/** The rules of upstream's `system:volume-scheduler` ClusterRole (PreBind's selected-node writes). */
function volumeSchedulerRules() {
  return [
    rule([''], ['persistentvolumes'], [...read, 'update']),
    rule(['storage.k8s.io'], ['storageclasses'], read),
    rule([''], ['persistentvolumeclaims'], [...read, 'update']),
  ];
}

/** Both ClusterRoles and their bindings to `system:kube-scheduler`, as kube-apiserver bootstraps them. */
export function schedulerRbac(): KubeObject[] {
  const subjects = [{ apiGroup: rbac, kind: 'User', name: SCHEDULER_USER }];
  return [
    { name: 'system:kube-scheduler', rules: kubeSchedulerRules() },
    { name: 'system:volume-scheduler', rules: volumeSchedulerRules() },
  ].flatMap(({ name, rules }) => [
    { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: meta(name), rules },
    { apiVersion: `${rbac}/v1`, kind: 'ClusterRoleBinding', metadata: meta(name), roleRef: { apiGroup: rbac, kind: 'ClusterRole', name }, subjects },
  ]);
}
