import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../api/meta/index.js';
import type { RequestAttributes, UserInfo } from '../contracts.js';
import { rbac } from '../rbac/index.js';
import { Store } from '../store/store.js';
import { StoreRbacSource, authorize } from './authz.js';

const RBAC = 'rbac.authorization.k8s.io';
const gr = (resource: string) => ({ group: RBAC, resource });
const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), uid: name, resourceVersion: '', creationTimestamp: '2026-01-01T00:00:00Z' });
const role = (kind: 'ClusterRole' | 'Role', name: string, verbs: string[], namespace?: string): KubeObject => ({
  apiVersion: `${RBAC}/v1`, kind, metadata: meta(name, namespace), rules: [{ apiGroups: [''], resources: ['pods'], verbs }],
});
const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, ref: string, subjects: unknown[], namespace?: string): KubeObject => ({
  apiVersion: `${RBAC}/v1`, kind, metadata: meta(name, namespace), roleRef: { apiGroup: RBAC, kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name: ref }, subjects,
});
const get = (user: UserInfo, namespace = 'ns1', verb = 'get'): RequestAttributes => ({ user, verb, isResourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace, name: 'p' });

/**
 * Decisions over the store-backed source follow every RBAC change, for each user, group and
 * namespace on its own (the authoriser indexes the source's lists by user and role name).
 */
test('StoreRbacSource + RBAC: decisions follow RBAC writes per user, group and namespace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authz-'));
  const store = new Store(join(dir, 'db.sqlite'));
  const source = new StoreRbacSource(store);
  const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
  const bob: UserInfo = { name: 'bob', groups: ['devs', 'system:authenticated'] };
  const sa: UserInfo = { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts'] };
  const allowed = (a: RequestAttributes) => authorize(a, rbac, source).allowed;
  try {
    assert.equal(allowed(get(alice)), false);
    store.create(gr('clusterroles'), role('ClusterRole', 'reader', ['get']));
    store.create(gr('clusterrolebindings'), binding('ClusterRoleBinding', 'alice-reads', 'reader', [{ kind: 'User', name: 'alice' }]));
    assert.equal(allowed(get(alice)), true, 'a new binding takes effect');
    assert.equal(authorize(get(alice), rbac, source).reason, 'RBAC: allowed by ClusterRoleBinding "alice-reads" of ClusterRole "reader" to User "alice"');
    assert.equal(allowed(get(bob)), false, 'another user is judged on their own');
    assert.equal(allowed(get(alice, 'ns1', 'delete')), false);
    store.update(gr('clusterroles'), { ...role('ClusterRole', 'reader', ['get', 'delete']), metadata: store.get(gr('clusterroles'), '', 'reader')!.metadata });
    assert.equal(allowed(get(alice, 'ns1', 'delete')), true, 'a changed role takes effect');
    store.create(gr('clusterrolebindings'), binding('ClusterRoleBinding', 'devs-read', 'reader', [{ kind: 'Group', name: 'devs' }]));
    assert.equal(allowed(get(bob)), true, 'a group subject');
    assert.equal(allowed(get({ ...bob, groups: ['system:authenticated'] })), false, 'the same name without the group');
    store.create(gr('roles'), role('Role', 'pod-reader', ['get'], 'ns1'));
    store.create(gr('rolebindings'), binding('RoleBinding', 'robot', 'pod-reader', [{ kind: 'ServiceAccount', name: 'robot' }], 'ns1'));
    assert.equal(allowed(get(sa, 'ns1')), true, 'a ServiceAccount in its binding\'s namespace');
    assert.equal(allowed(get(sa, 'ns2')), false, 'not in another namespace');
    store.delete(gr('clusterrolebindings'), '', 'alice-reads');
    assert.equal(allowed(get(alice)), false, 'a deleted binding stops allowing');
    store.delete(gr('roles'), 'ns1', 'pod-reader');
    assert.equal(authorize(get(sa, 'ns1'), rbac, source).reason, 'RBAC: role.rbac.authorization.k8s.io "pod-reader" not found', 'a deleted role');
  } finally {
    source.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
