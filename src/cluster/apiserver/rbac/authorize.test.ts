import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { RequestAttributes, UserInfo } from '../contracts.js';
import { authorize, rulesFor } from './authorize.js';
import { forbiddenMessage, forbiddenStatus } from './messages.js';
import { memorySource } from './testdata.js';
import type { PolicyRule, Subject } from './types.js';

const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
const role = (ns: string, name: string, rules: PolicyRule[]): KubeObject => ({ kind: 'Role', metadata: { name, namespace: ns }, rules });
const crb = (name: string, roleName: string, subjects: Subject[]): KubeObject => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});
const rb = (ns: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): KubeObject => ({
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects,
});

const source = memorySource;

const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['devs', 'system:authenticated'] };
const sa: UserInfo = { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] };
const root: UserInfo = { name: 'admin', groups: ['system:masters'] };

const world = source([
  clusterRole('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]),
  clusterRole('log-reader', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]),
  clusterRole('status-any', [{ apiGroups: ['*'], resources: ['*/status'], verbs: ['update'] }]),
  clusterRole('one-cm', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'], verbs: ['get', 'update'] }]),
  clusterRole('api-paths', [{ nonResourceURLs: ['/apis/*', '/healthz'], verbs: ['get'] }]),
  clusterRole('all-vms', [{ apiGroups: ['kubevirt.io'], resources: ['*'], verbs: ['*'] }]),
  clusterRole('console', [{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/console'], verbs: ['get'] }]),
  role('ns1', 'deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }]),
  crb('read-pods-alice', 'pod-reader', [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }]),
  crb('paths', 'api-paths', [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }]),
  crb('status', 'status-any', [{ kind: 'ServiceAccount', name: 'robot', namespace: 'ns1' }]),
  crb('dangling', 'nope', [{ kind: 'User', name: 'carol' }]),
  rb('ns1', 'devs-logs', 'ClusterRole', 'log-reader', [{ kind: 'Group', name: 'devs' }]),
  rb('ns1', 'devs-deploy', 'Role', 'deployer', [{ kind: 'Group', name: 'devs' }]),
  rb('ns1', 'robot-cm', 'ClusterRole', 'one-cm', [{ kind: 'ServiceAccount', name: 'robot' }]),
  rb('ns2', 'robot-cm-elsewhere', 'ClusterRole', 'one-cm', [{ kind: 'ServiceAccount', name: 'robot' }]),
  rb('ns1', 'bob-vms', 'ClusterRole', 'all-vms', [{ kind: 'User', name: 'bob' }]),
  rb('ns1', 'bob-console', 'ClusterRole', 'console', [{ kind: 'User', name: 'bob' }]),
]);

const res = (user: UserInfo, verb: string, group: string, resource: string, ns?: string, name?: string, subresource?: string): RequestAttributes => ({
  user,
  verb,
  isResourceRequest: true,
  apiGroup: group,
  apiVersion: 'v1',
  resource,
  ...(ns ? { namespace: ns } : {}),
  ...(name ? { name } : {}),
  ...(subresource ? { subresource } : {}),
});
const path = (user: UserInfo, verb: string, p: string): RequestAttributes => ({ user, verb, isResourceRequest: false, path: p });

const cases: { name: string; attrs: RequestAttributes; allowed: boolean; reason?: string }[] = [
  {
    name: 'cluster role binding to a user, any namespace',
    attrs: res(alice, 'list', '', 'pods', 'ns9'),
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "read-pods-alice" of ClusterRole "pod-reader" to User "alice"',
  },
  { name: 'verb not granted', attrs: res(alice, 'delete', '', 'pods', 'ns9', 'p'), allowed: false, reason: '' },
  { name: 'pods rule does not grant pods/log', attrs: res(alice, 'get', '', 'pods', 'ns1', 'p', 'log'), allowed: false },
  {
    name: 'role binding to a group with a cluster role grants the subresource in its namespace',
    attrs: res(bob, 'get', '', 'pods', 'ns1', 'p', 'log'),
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "devs-logs/ns1" of ClusterRole "log-reader" to Group "devs"',
  },
  { name: 'role binding does not reach other namespaces', attrs: res(bob, 'get', '', 'pods', 'ns2', 'p', 'log'), allowed: false },
  { name: 'role binding does not grant at cluster scope', attrs: res(bob, 'get', '', 'pods', undefined, undefined, 'log'), allowed: false },
  {
    name: 'role binding to a Role',
    attrs: res(bob, 'create', 'apps', 'deployments', 'ns1'),
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "devs-deploy/ns1" of Role "deployer" to Group "devs"',
  },
  { name: 'api group must match', attrs: res(bob, 'create', 'extensions', 'deployments', 'ns1'), allowed: false },
  {
    name: '*/status for a service account (cluster binding with subject namespace)',
    attrs: res(sa, 'update', 'kubevirt.io', 'virtualmachines', 'ns5', 'vm', 'status'),
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "status" of ClusterRole "status-any" to ServiceAccount "robot/ns1"',
  },
  { name: '*/status does not grant the main resource', attrs: res(sa, 'update', 'kubevirt.io', 'virtualmachines', 'ns5', 'vm'), allowed: false },
  {
    name: 'service account subject without namespace defaults to the binding namespace',
    attrs: res(sa, 'get', '', 'configmaps', 'ns1', 'app'),
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "robot-cm/ns1" of ClusterRole "one-cm" to ServiceAccount "robot/ns1"',
  },
  { name: 'defaulted service account namespace differs from the user', attrs: res(sa, 'get', '', 'configmaps', 'ns2', 'app'), allowed: false },
  { name: 'resourceNames restricts the name', attrs: res(sa, 'get', '', 'configmaps', 'ns1', 'other'), allowed: false },
  { name: 'resourceNames never match a nameless list', attrs: res(sa, 'list', '', 'configmaps', 'ns1'), allowed: false },
  { name: 'wildcard resources and verbs', attrs: res(bob, 'deletecollection', 'kubevirt.io', 'virtualmachineinstances', 'ns1'), allowed: true },
  { name: 'wildcard resources do not include subresources of other groups', attrs: res(bob, 'get', 'subresources.kubevirt.io', 'virtualmachineinstances', 'ns1', 'v', 'vnc'), allowed: false },
  { name: 'named subresource in an aggregated group', attrs: res(bob, 'get', 'subresources.kubevirt.io', 'virtualmachineinstances', 'ns1', 'v', 'console'), allowed: true },
  {
    name: 'non-resource prefix',
    attrs: path(alice, 'get', '/apis/kubevirt.io/v1'),
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "paths" of ClusterRole "api-paths" to Group "system:authenticated"',
  },
  { name: 'non-resource exact', attrs: path(alice, 'get', '/healthz'), allowed: true },
  { name: 'non-resource exact does not prefix', attrs: path(alice, 'get', '/healthz/etcd'), allowed: false },
  { name: 'non-resource verb', attrs: path(alice, 'post', '/apis/x'), allowed: false },
  { name: 'system:masters always allowed', attrs: res(root, 'delete', '', 'nodes', undefined, 'n1'), allowed: true, reason: '' },
  {
    name: 'binding to a missing role is reported in the reason',
    attrs: res({ name: 'carol', groups: [] }, 'get', '', 'pods', 'ns1', 'p'),
    allowed: false,
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "nope" not found',
  },
];

for (const c of cases) {
  test(`authorize: ${c.name}`, () => {
    const d = authorize(c.attrs, world);
    assert.equal(d.allowed, c.allowed);
    if (c.reason !== undefined) assert.equal(d.reason, c.reason);
  });
}

const messageCases: { name: string; attrs: RequestAttributes; want: string }[] = [
  {
    name: 'named namespaced',
    attrs: res(alice, 'get', '', 'pods', 'ns', 'x'),
    want: 'pods "x" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "ns"',
  },
  {
    name: 'no name',
    attrs: res(alice, 'list', 'apps', 'deployments', 'ns'),
    want: 'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "ns"',
  },
  {
    name: 'cluster scope',
    attrs: res(alice, 'list', '', 'nodes'),
    want: 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope',
  },
  {
    name: 'subresource',
    attrs: res(alice, 'get', '', 'pods', 'ns', 'x', 'log'),
    want: 'pods "x" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "ns"',
  },
  { name: 'non-resource URL', attrs: path(alice, 'get', '/metrics'), want: 'forbidden: User "alice" cannot get path "/metrics"' },
];

for (const c of messageCases) {
  test(`forbidden message: ${c.name}`, () => assert.equal(forbiddenMessage(c.attrs), c.want));
}

test('forbidden status carries the authoriser reason and details', () => {
  const attrs = res(alice, 'get', 'kubevirt.io', 'virtualmachines', 'ns', 'vm');
  const s = forbiddenStatus(attrs, 'RBAC: role missing').toStatus();
  assert.equal(s.code, 403);
  assert.equal(s.reason, 'Forbidden');
  assert.equal(
    s.message,
    'virtualmachines.kubevirt.io "vm" is forbidden: User "alice" cannot get resource "virtualmachines" in API group "kubevirt.io" in the namespace "ns": RBAC: role missing',
  );
  assert.deepEqual(s.details, { group: 'kubevirt.io', kind: 'virtualmachines', name: 'vm' });
  // kube-apiserver answers a non-resource denial with "details": {}
  assert.deepEqual(forbiddenStatus(path(alice, 'get', '/x')).toStatus().details, {});
});

test('rulesFor lists cluster and namespace rules of the user', () => {
  const { rules, errors } = rulesFor(bob, 'ns1', world);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    rules.map((r) => r.resources?.[0] ?? r.nonResourceURLs?.[0]),
    ['/apis/*', 'pods/log', 'deployments', '*', 'virtualmachineinstances/console'],
  );
});
