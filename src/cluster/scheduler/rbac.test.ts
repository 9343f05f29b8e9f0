import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/index.js';
import { authorize } from '../apiserver/rbac/authorize.js';
import { SCHEDULER_LEASE, SCHEDULER_USER, schedulerRbac } from './rbac.js';

const objs = schedulerRbac();
const source = {
  clusterRoles: (): KubeObject[] => objs.filter((o) => o.kind === 'ClusterRole'),
  clusterRoleBindings: (): KubeObject[] => objs.filter((o) => o.kind === 'ClusterRoleBinding'),
  roles: (): KubeObject[] => [],
  roleBindings: (): KubeObject[] => [],
};
const user = { name: SCHEDULER_USER, groups: ['system:authenticated'] };

// [verb, apiGroup, resource, subresource, namespace, name, allowed]: the scheduler's own calls, and what upstream's roles deny.
const cases: [string, string, string, string, string, string, boolean][] = [
  ['list', '', 'pods', '', '', '', true],
  ['watch', '', 'pods', '', '', '', true],
  ['watch', '', 'nodes', '', '', '', true],
  ['watch', '', 'persistentvolumeclaims', '', '', '', true],
  ['watch', '', 'persistentvolumes', '', '', '', true],
  ['watch', 'storage.k8s.io', 'storageclasses', '', '', '', true],
  ['create', '', 'pods', 'binding', 'default', 'p', true],
  ['patch', '', 'pods', 'status', 'default', 'p', true],
  ['create', '', 'events', '', 'default', '', true],
  ['patch', '', 'events', '', 'default', 'e', true],
  ['update', '', 'persistentvolumeclaims', '', 'default', 'c', true],
  ['create', 'coordination.k8s.io', 'leases', '', SCHEDULER_LEASE.namespace, '', true],
  ['update', 'coordination.k8s.io', 'leases', '', SCHEDULER_LEASE.namespace, SCHEDULER_LEASE.name, true],
  ['get', 'coordination.k8s.io', 'leases', '', SCHEDULER_LEASE.namespace, SCHEDULER_LEASE.name, true],
  ['update', 'coordination.k8s.io', 'leases', '', 'kubevirt', 'virt-controller', false],
  ['patch', '', 'persistentvolumeclaims', '', 'default', 'c', false],
  ['create', '', 'pods', '', 'default', '', false],
  ['update', '', 'pods', '', 'default', 'p', false],
  ['patch', '', 'nodes', '', '', 'node01', false],
  ['get', '', 'secrets', '', 'default', 's', false],
  ['create', 'kubevirt.io', 'virtualmachineinstances', '', 'default', '', false],
  ['list', 'kubevirt.io', 'virtualmachineinstances', '', '', '', false],
  ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings', '', '', '', false],
];

test('system:kube-scheduler may make the scheduler\'s calls and nothing upstream\'s roles deny', () => {
  for (const [verb, apiGroup, resource, subresource, namespace, name, want] of cases) {
    const d = authorize({ user, verb, isResourceRequest: true, apiGroup, resource, subresource, namespace, name }, source);
    assert.equal(d.allowed, want, `${verb} ${apiGroup}/${resource}${subresource ? `/${subresource}` : ''} ${name}`);
  }
});

test('each ClusterRole is bound to the system:kube-scheduler user alone', () => {
  const bindings = objs.filter((o) => o.kind === 'ClusterRoleBinding') as unknown as { metadata: { name: string }; roleRef: { name: string }; subjects: { kind: string; name: string }[] }[];
  assert.deepEqual(bindings.map((b) => [b.metadata.name, b.roleRef.name, b.subjects.map((s) => `${s.kind}:${s.name}`)]), [
    ['system:kube-scheduler', 'system:kube-scheduler', ['User:system:kube-scheduler']],
    ['system:volume-scheduler', 'system:volume-scheduler', ['User:system:kube-scheduler']],
  ]);
});
