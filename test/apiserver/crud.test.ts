/**
 * The API server through @kubernetes/client-node: CRUD, conflicts, selectors, pagination, dry-run,
 * status subresource and generation, finalizers, errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { call, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

before(async () => {
  t = await startTestServer();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(t.server.adminKubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
after(async () => {
  await t.close();
});

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof k8s.ApiException) return err.code;
    throw err;
  }
  return 200;
}

test('create, get, replace, conflicts on a stale resourceVersion, delete', async () => {
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cm1', labels: { app: 'a' } }, data: { k: 'v' } } });
  assert.ok(created.metadata?.uid);
  assert.ok(created.metadata?.creationTimestamp);
  const rv1 = created.metadata?.resourceVersion;
  assert.equal(await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cm1' } } })), 409);
  const got = await core.readNamespacedConfigMap({ name: 'cm1', namespace: 'default' });
  assert.deepEqual(got.data, { k: 'v' });
  const updated = await core.replaceNamespacedConfigMap({ name: 'cm1', namespace: 'default', body: { ...got, data: { k: 'v2' } } });
  assert.ok(Number(updated.metadata?.resourceVersion) > Number(rv1));
  assert.equal(await codeOf(core.replaceNamespacedConfigMap({ name: 'cm1', namespace: 'default', body: { ...got, data: { k: 'v3' } } })), 409);
  await core.deleteNamespacedConfigMap({ name: 'cm1', namespace: 'default' });
  assert.equal(await codeOf(core.readNamespacedConfigMap({ name: 'cm1', namespace: 'default' })), 404);
});

test('generateName, invalid names and missing namespaces are rejected as kube-apiserver does', async () => {
  const g = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-' } } });
  assert.match(g.metadata?.name ?? '', /^gen-[a-z0-9]{5}$/);
  const bad = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Bad_Name' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.reason, 'Invalid');
  assert.equal(bad.body.details.causes[0].field, 'metadata.name');
  assert.equal(await codeOf(core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } })), 404);
});

test('label selectors, field selectors and limit/continue pagination', async () => {
  await core.createNamespace({ body: { metadata: { name: 'paging' } } });
  for (let i = 0; i < 7; i++) {
    await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `p${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } } } });
  }
  const odd = await core.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'parity=odd' });
  assert.deepEqual(odd.items.map((c) => c.metadata?.name), ['p1', 'p3', 'p5']);
  const notIn = await core.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'parity,parity notin (odd)' });
  assert.equal(notIn.items.length, 4);
  const byName = await core.listNamespacedConfigMap({ namespace: 'paging', fieldSelector: 'metadata.name=p2' });
  assert.deepEqual(byName.items.map((c) => c.metadata?.name), ['p2']);
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  // Only the test's objects: every namespace also holds the kube-root-ca.crt ConfigMap.
  do {
    const page = await core.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'parity', limit: 3, _continue: cont });
    names.push(...page.items.map((c) => c.metadata?.name ?? ''));
    cont = page.metadata?._continue;
    pages++;
  } while (cont && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  const badSel = await call(t.server, 'GET', '/api/v1/namespaces/paging/configmaps?fieldSelector=spec.nodeName%3Dx');
  assert.equal(badSel.status, 400);
});

test('dry-run validates without storing', async () => {
  const res = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
  assert.equal(res.status, 201);
  assert.equal(res.body.metadata.name, 'dry');
  assert.equal(await codeOf(core.readNamespacedConfigMap({ name: 'dry', namespace: 'default' })), 404);
});

test('status subresource: spec changes bump generation, status writes change only status', async () => {
  const dep = {
    metadata: { name: 'd1' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'd1' } },
      template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
  const created = await apps.createNamespacedDeployment({ namespace: 'default', body: dep });
  assert.equal(created.metadata?.generation, 1);
  const scaled = await apps.replaceNamespacedDeployment({ name: 'd1', namespace: 'default', body: { ...created, spec: { ...created.spec!, replicas: 3 }, status: { replicas: 99 } } });
  assert.equal(scaled.metadata?.generation, 2);
  assert.equal(scaled.status?.replicas, undefined);
  const st = await apps.replaceNamespacedDeploymentStatus({ name: 'd1', namespace: 'default', body: { ...scaled, spec: { ...scaled.spec!, replicas: 7 }, status: { replicas: 3, observedGeneration: 2 } } });
  assert.equal(st.status?.replicas, 3);
  assert.equal(st.spec?.replicas, 3);
  assert.equal(st.metadata?.generation, 2);
  const same = await apps.replaceNamespacedDeployment({ name: 'd1', namespace: 'default', body: st });
  assert.equal(same.metadata?.resourceVersion, st.metadata?.resourceVersion, 'a no-op update writes nothing');
});

test('finalizers hold deletion until removed', async () => {
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
  const del = await call(t.server, 'DELETE', '/api/v1/namespaces/default/configmaps/fin');
  assert.equal(del.status, 202);
  const held = await core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' });
  assert.ok(held.metadata?.deletionTimestamp);
  const addFin = await call(t.server, 'PUT', '/api/v1/namespaces/default/configmaps/fin', { ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold', 'other'] } });
  assert.equal(addFin.status, 422);
  await core.replaceNamespacedConfigMap({ name: 'fin', namespace: 'default', body: { ...held, metadata: { ...held.metadata, finalizers: [] } } });
  assert.equal(await codeOf(core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' })), 404);
});

test('malformed and oversized bodies are rejected with a Status and change nothing', async () => {
  const bad = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {"name": "x"', {});
  assert.equal(bad.status, 400);
  assert.equal(bad.body.kind, 'Status');
  const big = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'big' }, data: { k: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  assert.equal(big.status, 413);
  assert.equal(await codeOf(core.readNamespacedConfigMap({ name: 'big', namespace: 'default' })), 404);
  const yaml = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', 'metadata:\n  name: from-yaml\ndata:\n  a: b\n', { contentType: 'application/yaml' });
  assert.equal(yaml.status, 201);
  assert.equal(yaml.body.data.a, 'b');
});

test('anonymous requests get 401 except health and version', async () => {
  const { Agent } = await import('undici');
  const anon = new Agent({ connect: { ca: t.server.pki.ca.certPem } });
  try {
    assert.equal((await call(t.server, 'GET', '/api/v1/namespaces', undefined, { agent: anon })).status, 401);
    assert.equal((await call(t.server, 'GET', '/readyz', undefined, { agent: anon })).status, 200);
    assert.equal((await call(t.server, 'GET', '/version', undefined, { agent: anon })).body.major, '1');
  } finally {
    await anon.close();
  }
});

test('Table output has column definitions and one row per object', async () => {
  const res = await call(t.server, 'GET', '/api/v1/namespaces', undefined, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
  assert.equal(res.body.kind, 'Table');
  assert.equal(res.body.columnDefinitions[0].name, 'Name');
  assert.ok(res.body.rows.some((r: { cells: unknown[] }) => r.cells[0] === 'kube-system'));
});
