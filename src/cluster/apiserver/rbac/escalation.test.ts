import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import { breakdownRule, checkBindingEscalation, checkRoleEscalation, compactString, uncoveredRules } from './escalation.js';
import { memorySource } from './testdata.js';
import type { PolicyRule } from './types.js';

const source = memorySource;
const ref = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
const world = source([
  { kind: 'ClusterRole', metadata: { name: 'pods-rw' }, rules: [{ apiGroups: [''], resources: ['pods', '*/status'], verbs: ['get', 'list', 'create'] }] },
  { kind: 'ClusterRole', metadata: { name: 'secrets' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] },
  { kind: 'ClusterRole', metadata: { name: 'binder' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['secrets'] }] },
  { kind: 'RoleBinding', metadata: { name: 'dev-pods', namespace: 'ns' }, roleRef: ref('ClusterRole', 'pods-rw'), subjects: [{ kind: 'User', name: 'dev' }] },
  { kind: 'RoleBinding', metadata: { name: 'dev-bind', namespace: 'ns' }, roleRef: ref('ClusterRole', 'binder'), subjects: [{ kind: 'User', name: 'dev' }] },
]);
const dev: UserInfo = { name: 'dev', groups: ['system:authenticated'] };

test('breakdown and compact rendering follow rbac helpers', () => {
  const r: PolicyRule = { apiGroups: ['', 'apps'], resources: ['pods'], verbs: ['get', 'list'] };
  assert.equal(breakdownRule(r).length, 4);
  assert.equal(compactString({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}');
  assert.equal(compactString({ nonResourceURLs: ['/x'], verbs: ['get'] }), '{NonResourceURLs:["/x"], Verbs:["get"]}');
});

const coverCases: { name: string; owner: PolicyRule[]; wanted: PolicyRule[]; missing: number }[] = [
  { name: 'identical', owner: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], wanted: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], missing: 0 },
  { name: 'star covers all', owner: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], wanted: [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] }], missing: 0 },
  { name: '*/status covers x/status', owner: [{ apiGroups: [''], resources: ['*/status'], verbs: ['get'] }], wanted: [{ apiGroups: [''], resources: ['pods/status'], verbs: ['get'] }], missing: 0 },
  { name: 'named owner does not cover unnamed', owner: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: ['a'] }], wanted: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], missing: 1 },
  { name: 'url prefix', owner: [{ nonResourceURLs: ['/apis/*'], verbs: ['get'] }], wanted: [{ nonResourceURLs: ['/apis/x', '/api'], verbs: ['get'] }], missing: 1 },
];
for (const c of coverCases) test(`covers: ${c.name}`, () => assert.equal(uncoveredRules(c.owner, c.wanted).length, c.missing));

test('a user may create a role with rules they hold', () => {
  const role = { kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
  assert.equal(checkRoleEscalation(dev, role, world), undefined);
});

test('granting rules not held is forbidden with kube-apiserver wording', () => {
  const role = {
    kind: 'Role',
    metadata: { name: 'r', namespace: 'ns' },
    rules: [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'delete'] }],
  };
  const s = checkRoleEscalation(dev, role, world)?.toStatus();
  assert.equal(s?.code, 403);
  assert.equal(
    s?.message,
    'roles.rbac.authorization.k8s.io "r" is forbidden: user "dev" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
  );
  assert.equal(checkRoleEscalation({ name: 'root', groups: ['system:masters'] }, role, world), undefined);
});

test('aggregated cluster roles need cluster-admin', () => {
  const role = { kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] }, rules: [] };
  assert.match(checkRoleEscalation(dev, role, world)?.message ?? '', /must have cluster-admin privileges to use the aggregationRule/);
});

test('bindings need the bind verb or the role rules', () => {
  const bind = (roleName: string, ns = 'ns'): KubeObject => ({ kind: 'RoleBinding', metadata: { name: 'b', namespace: ns }, roleRef: ref('ClusterRole', roleName), subjects: [{ kind: 'User', name: 'x' }] });
  assert.equal(checkBindingEscalation(dev, bind('pods-rw'), world), undefined, 'holds the rules');
  assert.equal(checkBindingEscalation(dev, bind('secrets'), world), undefined, 'may bind secrets');
  assert.match(checkBindingEscalation(dev, bind('pods-rw', 'other'), world)?.message ?? '', /^rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "dev"/);
});
