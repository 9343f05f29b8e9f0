/**
 * Cluster behaviour of the in-server controllers and RBAC: garbage collection (background,
 * foreground, orphan), namespace termination, default ServiceAccounts, RBAC denials.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { issueClientCert, renderKubeconfig } from '../../src/cluster/pki/index.js';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

let t: TestServer;
let core: k8s.CoreV1Api;

before(async () => {
  t = await startTestServer();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(t.server.adminKubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'gc' } } });
});
after(async () => {
  await t.close();
});

const exists = async (name: string, ns = 'gc'): Promise<boolean> => (await call(t.server, 'GET', `/api/v1/namespaces/${ns}/configmaps/${name}`)).status === 200;

async function ownerAndChild(owner: string, child: string, block = false): Promise<void> {
  const o = await core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: owner } } });
  await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: child, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.metadata!.uid!, blockOwnerDeletion: block }] } },
  });
}

test('background deletion removes dependents after the owner', async () => {
  await ownerAndChild('bg-owner', 'bg-child');
  await core.deleteNamespacedConfigMap({ name: 'bg-owner', namespace: 'gc' });
  await waitFor('dependent collected', async () => !(await exists('bg-child')));
});

test('orphan deletion keeps dependents and strips their ownerReferences', async () => {
  await ownerAndChild('or-owner', 'or-child');
  await core.deleteNamespacedConfigMap({ name: 'or-owner', namespace: 'gc', propagationPolicy: 'Orphan' });
  await waitFor('owner gone', async () => !(await exists('or-owner')));
  const child = await core.readNamespacedConfigMap({ name: 'or-child', namespace: 'gc' });
  assert.equal(child.metadata?.ownerReferences, undefined);
});

test('foreground deletion deletes dependents first, the owner last', async () => {
  await ownerAndChild('fg-owner', 'fg-child', true);
  await core.deleteNamespacedConfigMap({ name: 'fg-owner', namespace: 'gc', propagationPolicy: 'Foreground' });
  await waitFor('both gone', async () => !(await exists('fg-child')) && !(await exists('fg-owner')));
});

test('a dependent created with an absent owner is collected; one with a live owner stays', async () => {
  const owner = await core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'nx-owner' } } });
  const ref = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });
  await core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'nx-orphan', ownerReferences: [ref('nx-missing', 'no-such-uid')] } } });
  // The owner's name with another uid is another (absent) object.
  await core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'nx-stale', ownerReferences: [ref('nx-owner', 'stale-uid')] } } });
  await core.createNamespacedConfigMap({ namespace: 'gc', body: { metadata: { name: 'nx-kept', ownerReferences: [ref('nx-owner', owner.metadata!.uid!)] } } });
  await core.createNamespacedConfigMap({
    namespace: 'gc',
    body: { metadata: { name: 'nx-mixed', ownerReferences: [ref('nx-owner', owner.metadata!.uid!), ref('nx-missing', 'no-such-uid')] } },
  });
  await waitFor('dependents of absent owners collected', async () => !(await exists('nx-orphan')) && !(await exists('nx-stale')));
  await waitFor('dangling reference dropped', async () => {
    const mixed = await core.readNamespacedConfigMap({ name: 'nx-mixed', namespace: 'gc' });
    return mixed.metadata?.ownerReferences?.length === 1;
  });
  const mixed = await core.readNamespacedConfigMap({ name: 'nx-mixed', namespace: 'gc' });
  assert.equal(mixed.metadata?.ownerReferences?.[0]?.uid, owner.metadata!.uid);
  assert.equal(await exists('nx-kept'), true);
});

test('deleting a namespace deletes its contents; creating in it meanwhile is forbidden', async () => {
  await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
  await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
  const ns = await core.readNamespace({ name: 'doomed' });
  assert.equal(ns.metadata?.labels?.['kubernetes.io/metadata.name'], 'doomed');
  await waitFor('default service account', async () => (await call(t.server, 'GET', '/api/v1/namespaces/doomed/serviceaccounts/default')).status === 200);
  await core.deleteNamespace({ name: 'doomed' });
  const terminating = await core.readNamespace({ name: 'doomed' });
  assert.equal(terminating.status?.phase, 'Terminating');
  const denied = await call(t.server, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
  assert.equal(denied.status, 403);
  assert.match(denied.body.message, /unable to create new content in namespace doomed because it is being terminated/);
  const held = await core.readNamespacedConfigMap({ name: 'held', namespace: 'doomed' });
  await core.replaceNamespacedConfigMap({ name: 'held', namespace: 'doomed', body: { ...held, metadata: { ...held.metadata, finalizers: [] } } });
  await waitFor('namespace gone', async () => (await call(t.server, 'GET', '/api/v1/namespaces/doomed')).status === 404);
});

test('RBAC: an unbound user is denied with kube-apiserver wording, then allowed by a RoleBinding', async () => {
  const alice = await issueClientCert(t.server.pki.ca, 'alice', ['devs']);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(renderKubeconfig({ server: t.server.url, caPem: t.server.pki.ca.certPem, credentials: alice, userName: 'alice' }));
  const asAlice = kc.makeApiClient(k8s.CoreV1Api);
  try {
    await asAlice.listNamespacedConfigMap({ namespace: 'gc' });
    assert.fail('expected 403');
  } catch (err) {
    assert.ok(err instanceof k8s.ApiException);
    assert.equal(err.code, 403);
    assert.match(String(err.body), /User \\?"alice\\?" cannot list resource \\?"configmaps\\?" in API group \\?"\\?" in the namespace \\?"gc\\?"/);
  }
  const rbac = new k8s.KubeConfig();
  rbac.loadFromString(t.server.adminKubeconfig);
  await rbac.makeApiClient(k8s.RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace: 'gc',
    body: { metadata: { name: 'devs-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }] },
  });
  const list = await asAlice.listNamespacedConfigMap({ namespace: 'gc' });
  assert.ok(Array.isArray(list.items));
  assert.equal((await call(t.server, 'GET', '/api/v1/namespaces/default/configmaps', undefined)).status, 200);
});

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1, default: 3 }, color: { type: 'string' } } },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};

test('a CRD is served at once, validates and defaults its objects, and takes them with it when deleted', async () => {
  const created = await call(t.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const established = await waitFor('Established', async () => {
    const c = await call(t.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    const conds = (c.body.status?.conditions ?? []) as { type: string; status: string }[];
    return conds.some((x) => x.type === 'Established' && x.status === 'True') && conds.some((x) => x.type === 'NamesAccepted' && x.status === 'True') ? c.body : undefined;
  }, 1000);
  assert.ok(established.metadata.finalizers.includes('customresourcecleanup.apiextensions.k8s.io'));
  const disc = await call(t.server, 'GET', '/apis/example.com/v1');
  assert.deepEqual(disc.body.resources.map((r: { name: string }) => r.name), ['widgets', 'widgets/status']);
  const w = await call(t.server, 'POST', '/apis/example.com/v1/namespaces/gc/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { color: 'red', junk: 1 } });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  assert.deepEqual(w.body.spec, { color: 'red', size: 3 });
  const bad = await call(t.server, 'POST', '/apis/example.com/v1/namespaces/gc/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 0 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.details.causes[0].field, 'spec.size');
  const table = await call(t.server, 'GET', '/apis/example.com/v1/namespaces/gc/widgets', undefined, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
  assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Size']);
  assert.deepEqual(table.body.rows[0].cells, ['w1', 3]);
  await call(t.server, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
  await waitFor('CRD and its objects gone', async () => (await call(t.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).status === 404);
  assert.equal((await call(t.server, 'GET', '/apis/example.com/v1/namespaces/gc/widgets/w1')).status, 404);
  assert.equal(t.server.deps.store.count({ group: 'example.com', resource: 'widgets' }), 0);
});
