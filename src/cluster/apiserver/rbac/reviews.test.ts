import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize } from './authorize.js';
import { accessReviewAttributes, accessReviewStatus, subjectRulesReviewStatus } from './reviews.js';
import { memorySource } from './testdata.js';

const ref = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
const world = memorySource([
  { kind: 'ClusterRole', metadata: { name: 'vm-view' }, rules: [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['get', 'list'] }] },
  { kind: 'ClusterRole', metadata: { name: 'disco' }, rules: [{ nonResourceURLs: ['/apis/*'], verbs: ['get'] }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'disco' }, roleRef: ref('disco'), subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { kind: 'RoleBinding', metadata: { name: 'v', namespace: 'ns' }, roleRef: ref('vm-view'), subjects: [{ kind: 'User', name: 'ann' }] },
  { kind: 'RoleBinding', metadata: { name: 'broken', namespace: 'ns' }, roleRef: ref('missing'), subjects: [{ kind: 'User', name: 'ann' }] },
]);

test('SubjectAccessReview spec maps to request attributes and a status', () => {
  const attrs = accessReviewAttributes({ user: 'ann', groups: ['system:authenticated'], resourceAttributes: { namespace: 'ns', verb: 'list', group: 'kubevirt.io', resource: 'virtualmachines' } });
  assert.deepEqual(accessReviewStatus(authorize(attrs, world)), {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "v/ns" of ClusterRole "vm-view" to User "ann"',
  });
  const denied = accessReviewAttributes({ resourceAttributes: { namespace: 'ns', verb: 'delete', group: 'kubevirt.io', resource: 'virtualmachines' } }, { name: 'ann', groups: [] });
  assert.equal(accessReviewStatus(authorize(denied, world)).allowed, false);
  const path = accessReviewAttributes({ nonResourceAttributes: { path: '/apis/kubevirt.io', verb: 'get' } }, { name: 'ann', groups: ['system:authenticated'] });
  assert.equal(authorize(path, world).allowed, true);
});

test('SelfSubjectRulesReview lists resource and non-resource rules and reports resolution errors', () => {
  const s = subjectRulesReviewStatus({ name: 'ann', groups: ['system:authenticated'] }, 'ns', world);
  assert.deepEqual(s, {
    resourceRules: [{ verbs: ['get', 'list'], apiGroups: ['kubevirt.io'], resources: ['virtualmachines'] }],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }],
    incomplete: false,
    evaluationError: 'clusterrole.rbac.authorization.k8s.io "missing" not found',
  });
  const masters = subjectRulesReviewStatus({ name: 'root', groups: ['system:masters'] }, 'ns', world);
  assert.deepEqual(masters.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
});
