/**
 * /metrics on a started server: request counters move with real requests (POST, PUT, PATCH,
 * APPLY, GET, LIST, WATCH once it ends), and only cluster-admin and system:monitoring may read it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import { issueClientCert, renderKubeconfig } from '../../src/cluster/pki/index.js';
import { fetchMetricsText, fetchRequestCountsByVerb, requestCountsByVerb } from '../../src/cluster/apiserver/metrics/index.js';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const cm = { group: '', resource: 'configmaps' };

async function asUser(user: string, groups: string[]): Promise<Agent> {
  const c = await issueClientCert(t.server.pki.ca, user, groups);
  return new Agent({ connect: { ca: t.server.pki.ca.certPem, cert: c.certPem, key: c.keyPem } });
}

test('request counters follow creates, updates, patches, applies, reads and watches', async () => {
  const before = await fetchRequestCountsByVerb(t.server.kubeconfigPath, cm);
  const ns = '/api/v1/namespaces/default/configmaps';
  assert.equal((await call(t.server, 'POST', ns, { metadata: { name: 'm1' }, data: { a: '1' } })).status, 201);
  const got = await call(t.server, 'GET', `${ns}/m1`);
  assert.equal(got.status, 200);
  assert.equal((await call(t.server, 'PUT', `${ns}/m1`, { ...got.body, data: { a: '2' } })).status, 200);
  assert.equal((await call(t.server, 'PATCH', `${ns}/m1`, { data: { b: '3' } }, { contentType: 'application/merge-patch+json' })).status, 200);
  const apply = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m1\ndata:\n  c: "4"\n';
  assert.equal((await call(t.server, 'PATCH', `${ns}/m1?fieldManager=test`, apply, { contentType: 'application/apply-patch+yaml' })).status, 200);
  assert.equal((await call(t.server, 'GET', ns)).status, 200);
  assert.equal((await call(t.server, 'POST', ns, { metadata: { name: 'm1' } })).status, 409);
  assert.equal((await call(t.server, 'GET', `${ns}?watch=true&timeoutSeconds=1`)).status, 200);
  const delta = (now: Record<string, number>, verb: string) => (now[verb] ?? 0) - (before[verb] ?? 0);
  const now = await waitFor('the ended watch to be counted', async () => {
    const c = await fetchRequestCountsByVerb(t.server.kubeconfigPath, cm);
    return delta(c, 'WATCH') >= 1 ? c : undefined;
  }, 10_000);
  assert.deepEqual(
    Object.fromEntries(['POST', 'GET', 'PUT', 'PATCH', 'APPLY', 'LIST', 'WATCH'].map((v) => [v, delta(now, v)])),
    { POST: 2, GET: 1, PUT: 1, PATCH: 1, APPLY: 1, LIST: 1, WATCH: 1 },
  );
  const text = await fetchMetricsText(t.server.kubeconfigPath);
  assert.match(text, /^apiserver_request_total\{verb="POST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="409"\} 1$/m);
  assert.match(text, /^apiserver_request_duration_seconds_count\{verb="PUT",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver"\} \d+$/m);
});

test('/metrics is forbidden to an unprivileged user and allowed to system:monitoring', async () => {
  const alice = await asUser('alice', ['devs']);
  const mon = await asUser('prometheus', ['system:monitoring']);
  try {
    const denied = await call(t.server, 'GET', '/metrics', undefined, { agent: alice });
    assert.equal(denied.status, 403);
    assert.match(String(denied.body.message), /User "alice" cannot get path "\/metrics"/);
    const allowed = await call(t.server, 'GET', '/metrics', undefined, { agent: mon });
    assert.equal(allowed.status, 200);
    assert.ok((requestCountsByVerb(String(allowed.body), cm).POST ?? 0) >= 2);
  } finally {
    await alice.close();
    await mon.close();
  }
  // The kubeconfig helper of an unprivileged user reports the 403.
  const c = await issueClientCert(t.server.pki.ca, 'bob', []);
  const path = join(t.dataDir, 'bob.kubeconfig');
  await writeFile(path, renderKubeconfig({ server: t.server.url, caPem: t.server.pki.ca.certPem, credentials: c, userName: 'bob' }));
  await assert.rejects(fetchMetricsText(path), /HTTP 403/);
});
