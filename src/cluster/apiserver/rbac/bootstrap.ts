/**
 * Kubernetes' bootstrap RBAC policy that users and kubectl rely on: cluster-admin, the aggregated
 * admin/edit/view roles with their system:aggregate-to-* parts, discovery, basic-user,
 * public-info-viewer, auth-delegator and service-account-issuer-discovery, with their bindings.
 * Rule sets follow kube-apiserver's bootstrappolicy (v1.30+).
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { PolicyRule, Subject } from './types.js';

const rbacGroup = 'rbac.authorization.k8s.io';
const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });
const urls = (nonResourceURLs: string[], verbs: string[]): PolicyRule => ({ nonResourceURLs, verbs });

const bootstrapMeta = (name: string, labels: Record<string, string> = {}) => ({
  name,
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
});

function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>): KubeObject {
  return { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: bootstrapMeta(name, labels), rules };
}

function aggregatedRole(name: string, aggregateFrom: string, labels?: Record<string, string>): KubeObject {
  return {
    ...clusterRole(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${rbacGroup}/aggregate-to-${aggregateFrom}`]: 'true' } }] },
  };
}

function binding(name: string, role: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: bootstrapMeta(name),
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects,
  };
}

const group = (name: string): Subject => ({ apiGroup: rbacGroup, kind: 'Group', name });
const aggregateTo = (what: string): Record<string, string> => ({ [`${rbacGroup}/aggregate-to-${what}`]: 'true' });

const aggregateToAdmin: PolicyRule[] = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule([rbacGroup], ['rolebindings', 'roles'], readWrite),
];

const aggregateToEdit: PolicyRule[] = [
  rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], read),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], write),
  rule([''], ['pods/eviction'], ['create']),
  rule(
    [''],
    ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
    write,
  ),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], write),
  rule(['autoscaling'], ['horizontalpodautoscalers'], write),
  rule(['batch'], ['cronjobs', 'jobs'], write),
  rule(
    ['extensions'],
    ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'],
    write,
  ),
  rule(['policy'], ['poddisruptionbudgets'], write),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], write),
  rule(['coordination.k8s.io'], ['leases'], readWrite),
];

const aggregateToView: PolicyRule[] = [
  rule(
    [''],
    ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'],
    read,
  ),
  rule(
    [''],
    ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'],
    read,
  ),
  rule([''], ['namespaces'], read),
  rule(['discovery.k8s.io'], ['endpointslices'], read),
  rule(
    ['apps'],
    ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'],
    read,
  ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], read),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], read),
  rule(
    ['extensions'],
    ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'],
    read,
  ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], read),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], read),
];

const publicInfo = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/** The bootstrap ClusterRoles (aggregated ones with empty rules: run aggregate() over all roles). */
export function bootstrapClusterRoles(): KubeObject[] {
  return [
    aggregatedRole('admin', 'admin'),
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    aggregatedRole('edit', 'edit', aggregateTo('admin')),
    clusterRole('system:aggregate-to-admin', aggregateToAdmin, aggregateTo('admin')),
    clusterRole('system:aggregate-to-edit', aggregateToEdit, aggregateTo('edit')),
    clusterRole('system:aggregate-to-view', aggregateToView, aggregateTo('view')),
    clusterRole('system:auth-delegator', [
      rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
      rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    ]),
    clusterRole('system:basic-user', [
      rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
      rule(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
    ]),
    clusterRole('system:discovery', [
      urls(['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], ['get']),
    ]),
    clusterRole('system:monitoring', [urls(['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'], ['get'])]),
    clusterRole('system:public-info-viewer', [urls(publicInfo, ['get'])]),
    clusterRole('system:service-account-issuer-discovery', [urls(['/.well-known/openid-configuration', '/openid/v1/jwks'], ['get'])]),
    aggregatedRole('view', 'view', aggregateTo('edit')),
  ];
}

/** The bootstrap ClusterRoleBindings. */
export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    binding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  ];
}
