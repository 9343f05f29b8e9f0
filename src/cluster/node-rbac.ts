/**
 * RBAC for the node agents' identity (`system:node:<name>`, group `system:nodes`): kube-apiserver's
 * bootstrap `system:node` ClusterRole (the kubelet's API calls), bound to the group. Upstream leaves
 * that binding empty and lets the Node authorizer scope each node to its own objects; the embedded
 * API server has no Node authorizer, so the group binding grants the role's rules to every node.
 */
import type { KubeObject } from '../api/meta/index.js';

const rbac = 'rbac.authorization.k8s.io';
const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({ apiGroups, resources, verbs });
const meta = (name: string) => ({ name, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } });

/** The `system:node` ClusterRole (rules as in kube-apiserver's bootstrap policy) and its binding to `system:nodes`. */
export function nodeRbac(): KubeObject[] {
  const role = {
    apiVersion: `${rbac}/v1`,
    kind: 'ClusterRole',
    metadata: meta('system:node'),
    rules: [
      rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
      rule(['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews'], ['create']),
      rule([''], ['services'], ['get', 'list', 'watch']),
      rule([''], ['nodes'], ['create', 'get', 'list', 'watch']),
      rule([''], ['nodes/status'], ['patch', 'update']),
      rule([''], ['nodes'], ['patch', 'update']),
      rule([''], ['events'], ['create', 'patch', 'update']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule([''], ['pods'], ['create', 'delete']),
      rule([''], ['pods/status'], ['patch', 'update']),
      rule([''], ['pods/eviction'], ['create']),
      rule([''], ['configmaps', 'secrets'], ['get', 'list', 'watch']),
      rule([''], ['persistentvolumeclaims', 'persistentvolumes'], ['get']),
      rule([''], ['endpoints'], ['get']),
      rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['create', 'get', 'list', 'watch']),
      rule(['coordination.k8s.io'], ['leases'], ['create', 'delete', 'get', 'patch', 'update']),
      rule(['storage.k8s.io'], ['volumeattachments', 'csidrivers'], ['get']),
      rule([''], ['serviceaccounts/token'], ['create']),
      rule([''], ['persistentvolumeclaims/status'], ['get', 'patch', 'update']),
      rule(['node.k8s.io'], ['runtimeclasses'], ['get', 'list', 'watch']),
    ],
  };
  const binding = {
    apiVersion: `${rbac}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: meta('system:node'),
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'system:node' },
    subjects: [{ apiGroup: rbac, kind: 'Group', name: 'system:nodes' }],
  };
  return [role, binding];
}

/** The user and groups of a node's client certificate, as kubelet's TLS bootstrap issues them. */
export function nodeUser(name: string): { user: string; groups: string[] } {
  return { user: `system:node:${name}`, groups: ['system:nodes'] };
}
