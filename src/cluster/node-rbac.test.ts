import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/index.js';
import { authorize } from './apiserver/rbac/authorize.js';
import { nodeRbac, nodeUser } from './node-rbac.js';

const objs = nodeRbac();
const source = {
  clusterRoles: (): KubeObject[] => objs.filter((o) => o.kind === 'ClusterRole'),
  clusterRoleBindings: (): KubeObject[] => objs.filter((o) => o.kind === 'ClusterRoleBinding'),
  roles: (): KubeObject[] => [],
  roleBindings: (): KubeObject[] => [],
};
const id = nodeUser('node01');
const user = { name: id.user, groups: [...id.groups, 'system:authenticated'] };

// [verb, apiGroup, resource, subresource, namespace, allowed]: the node agent's own calls, and what it must not do.
const cases: [string, string, string, string, string, boolean][] = [
  ['get', '', 'nodes', '', '', true],
  ['create', '', 'nodes', '', '', true],
  ['patch', '', 'nodes', 'status', '', true],
  ['patch', 'coordination.k8s.io', 'leases', '', 'kube-node-lease', true],
  ['create', 'coordination.k8s.io', 'leases', '', 'kube-node-lease', true],
  ['list', '', 'pods', '', '', true],
  ['watch', '', 'pods', '', '', true],
  ['list', '', 'services', '', '', true], // the Service informer behind the pods' Service variables
  ['watch', '', 'services', '', '', true],
  ['patch', '', 'pods', 'status', 'default', true],
  ['delete', '', 'pods', '', 'default', true],
  ['get', '', 'configmaps', '', 'default', true],
  ['get', '', 'secrets', '', 'default', true],
  ['get', '', 'persistentvolumeclaims', '', 'default', true],
  ['get', '', 'persistentvolumes', '', '', true],
  ['create', '', 'serviceaccounts', 'token', 'default', true],
  ['create', '', 'events', '', 'default', true],
  ['patch', '', 'events', '', 'default', true],
  ['delete', '', 'nodes', '', '', false],
  ['update', '', 'pods', '', 'default', false],
  ['create', '', 'secrets', '', 'default', false],
  ['list', 'kubevirt.io', 'virtualmachineinstances', '', 'default', false],
  ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings', '', '', false],
];

test('system:node lets a node agent make its own API calls and nothing beyond', () => {
  for (const [verb, apiGroup, resource, subresource, namespace, want] of cases) {
    const d = authorize({ user, verb, isResourceRequest: true, apiGroup, resource, subresource, namespace }, source);
    assert.equal(d.allowed, want, `${verb} ${apiGroup}/${resource}${subresource ? `/${subresource}` : ''}`);
  }
});

test('the node identity is system:node:<name> in system:nodes', () => {
  assert.deepEqual(nodeUser('node02'), { user: 'system:node:node02', groups: ['system:nodes'] });
});
