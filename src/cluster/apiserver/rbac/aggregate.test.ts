import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, LabelSelector } from '../../../api/meta/index.js';
import type { RbacSource, RequestAttributes, UserInfo } from '../contracts.js';
import { aggregate } from './aggregate.js';
import { rbac } from './index.js';
import { rulesOf, type PolicyRule } from './types.js';

const role = (name: string, labels: Record<string, string>, rules: PolicyRule[], selectors?: LabelSelector[]): KubeObject => ({
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(selectors ? { aggregationRule: { clusterRoleSelectors: selectors } } : {}),
});

test('aggregate uses matchExpressions and skips invalid selectors', () => {
  const r: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
  const out = aggregate([
    role('a', { tier: 'web' }, [r]),
    role('b', { tier: 'db' }, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    role('parent', {}, [], [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, { matchExpressions: [{ key: 'bad key!', operator: 'Exists' }] }]),
  ]);
  assert.deepEqual(rulesOf(out[0]!), [r]);
});

test('aggregate unions matching roles in name order, without duplicates or itself', () => {
  const r1: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
  const r2: PolicyRule = { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] };
  const out = aggregate([
    role('zeta', { agg: 'true' }, [r2, r1]),
    role('alpha', { agg: 'true' }, [r1]),
    role('other', {}, [{ apiGroups: ['x'], resources: ['y'], verbs: ['z'] }]),
    role('parent', { agg: 'true' }, [{ verbs: ['stale'] }], [{ matchLabels: { agg: 'true' } }]),
  ]);
  assert.equal(out.length, 1);
  assert.deepEqual(rulesOf(out[0]!), [r1, r2]);
});

test('aggregate follows chains (view -> edit -> admin)', () => {
  const out = aggregate([
    role('admin', {}, [], [{ matchLabels: { 'to-admin': 'true' } }]),
    role('edit', { 'to-admin': 'true' }, [], [{ matchLabels: { 'to-edit': 'true' } }]),
    role('view', { 'to-edit': 'true' }, [], [{ matchLabels: { 'to-view': 'true' } }]),
    role('vms-view', { 'to-view': 'true' }, [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['get'] }]),
  ]);
  const admin = out.find((r) => r.metadata?.name === 'admin');
  assert.deepEqual(rulesOf(admin!).map((r) => r.resources?.[0]), ['virtualmachines']);
});

function policySource(extra: KubeObject[] = []): RbacSource {
  const objs = [...rbac.bootstrapPolicy(), ...extra];
  const roles = objs.filter((o) => o.kind === 'ClusterRole');
  const aggregated = new Map(rbac.aggregate(roles).map((r) => [r.metadata?.name, r]));
  return {
    clusterRoles: () => roles.map((r) => aggregated.get(r.metadata?.name) ?? r),
    clusterRoleBindings: () => objs.filter((o) => o.kind === 'ClusterRoleBinding'),
    roles: () => [],
    roleBindings: (ns) => extra.filter((o) => o.kind === 'RoleBinding' && o.metadata?.namespace === ns),
  };
}

const user = (name: string, groups: string[] = ['system:authenticated']): UserInfo => ({ name, groups });
const can = (u: UserInfo, verb: string, group: string, resource: string, ns?: string, sub?: string): RequestAttributes => ({
  user: u,
  verb,
  isResourceRequest: true,
  apiGroup: group,
  resource,
  ...(ns ? { namespace: ns } : {}),
  ...(sub ? { subresource: sub } : {}),
});

test('bootstrap policy: objects are labelled and annotated as bootstrap defaults', () => {
  const objs = rbac.bootstrapPolicy();
  for (const o of objs) {
    assert.equal(o.metadata?.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata?.name);
    assert.equal(o.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata?.name);
  }
  const names = objs.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata?.name);
  for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer']) assert.ok(names.includes(n), n);
  const view = objs.find((o) => o.metadata?.name === 'view');
  assert.ok(rulesOf(view!).length > 0, 'view comes with its aggregated rules');
});

const decisions: { name: string; attrs: RequestAttributes; extra?: KubeObject[]; allowed: boolean }[] = [
  { name: 'masters via the cluster-admin binding', attrs: can(user('root', ['system:masters']), 'delete', '', 'nodes'), allowed: true },
  { name: 'authenticated users read discovery', attrs: { user: user('u'), verb: 'get', isResourceRequest: false, path: '/apis/apps/v1' }, allowed: true },
  { name: 'authenticated users read openapi', attrs: { user: user('u'), verb: 'get', isResourceRequest: false, path: '/openapi/v3' }, allowed: true },
  { name: 'unauthenticated users read version only', attrs: { user: user('system:anonymous', ['system:unauthenticated']), verb: 'get', isResourceRequest: false, path: '/version' }, allowed: true },
  { name: 'unauthenticated users cannot read /apis', attrs: { user: user('system:anonymous', ['system:unauthenticated']), verb: 'get', isResourceRequest: false, path: '/apis' }, allowed: false },
  { name: 'basic-user creates SelfSubjectAccessReviews', attrs: can(user('u'), 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews'), allowed: true },
  { name: 'plain users cannot list pods', attrs: can(user('u'), 'list', '', 'pods', 'ns'), allowed: false },
];

const viewBinding: KubeObject = {
  kind: 'RoleBinding',
  metadata: { name: 'u-view', namespace: 'ns' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'User', name: 'u' }],
};
const editBinding: KubeObject = { ...viewBinding, metadata: { name: 'u-edit', namespace: 'ns' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } };
const adminBinding: KubeObject = { ...viewBinding, metadata: { name: 'u-admin', namespace: 'ns' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' } };

decisions.push(
  { name: 'view reads pods and logs', attrs: can(user('u'), 'get', '', 'pods', 'ns', 'log'), extra: [viewBinding], allowed: true },
  { name: 'view cannot read secrets', attrs: can(user('u'), 'get', '', 'secrets', 'ns'), extra: [viewBinding], allowed: false },
  { name: 'view cannot exec', attrs: can(user('u'), 'create', '', 'pods', 'ns', 'exec'), extra: [viewBinding], allowed: false },
  { name: 'edit creates deployments', attrs: can(user('u'), 'create', 'apps', 'deployments', 'ns'), extra: [editBinding], allowed: true },
  { name: 'edit reads (via view)', attrs: can(user('u'), 'watch', 'batch', 'jobs', 'ns'), extra: [editBinding], allowed: true },
  { name: 'edit cannot write roles', attrs: can(user('u'), 'create', 'rbac.authorization.k8s.io', 'roles', 'ns'), extra: [editBinding], allowed: false },
  { name: 'admin writes rolebindings', attrs: can(user('u'), 'create', 'rbac.authorization.k8s.io', 'rolebindings', 'ns'), extra: [adminBinding], allowed: true },
  { name: 'admin deletes pods (via edit)', attrs: can(user('u'), 'delete', '', 'pods', 'ns'), extra: [adminBinding], allowed: true },
  { name: 'admin is namespaced only', attrs: can(user('u'), 'delete', '', 'pods', 'other'), extra: [adminBinding], allowed: false },
);

for (const c of decisions) {
  test(`bootstrap policy decision: ${c.name}`, () => assert.equal(rbac.authorize(c.attrs, policySource(c.extra)).allowed, c.allowed));
}

test('a CRD role labelled aggregate-to-view extends view', () => {
  const vmView = role('kubevirt.io:view', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [
    { apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['get', 'list', 'watch'] },
  ]);
  const src = policySource([vmView, viewBinding]);
  assert.equal(rbac.authorize(can(user('u'), 'list', 'kubevirt.io', 'virtualmachines', 'ns'), src).allowed, true);
  assert.equal(rbac.authorize(can(user('u'), 'delete', 'kubevirt.io', 'virtualmachines', 'ns'), src).allowed, false);
});
