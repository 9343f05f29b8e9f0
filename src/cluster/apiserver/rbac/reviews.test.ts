import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subjectRulesReviewStatus } from './reviews.js';
import { memorySource } from './testdata.js';

const ref = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
const world = memorySource([
  { kind: 'ClusterRole', metadata: { name: 'vm-view' }, rules: [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['get', 'list'] }] },
  { kind: 'ClusterRole', metadata: { name: 'disco' }, rules: [{ nonResourceURLs: ['/apis/*'], verbs: ['get'] }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'disco' }, roleRef: ref('disco'), subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { kind: 'RoleBinding', metadata: { name: 'v', namespace: 'ns' }, roleRef: ref('vm-view'), subjects: [{ kind: 'User', name: 'ann' }] },
  { kind: 'RoleBinding', metadata: { name: 'broken', namespace: 'ns' }, roleRef: ref('missing'), subjects: [{ kind: 'User', name: 'ann' }] },
]);

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
