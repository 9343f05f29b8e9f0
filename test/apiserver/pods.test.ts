/**
 * Pod admission and eviction as kube-apiserver does them: the ServiceAccount admission's token
 * volume, the kube-root-ca.crt ConfigMap in every namespace, and evictions that honour
 * PodDisruptionBudgets.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t?.close();
});

const pod = (name: string, extra: { labels?: Record<string, string>; spec?: Record<string, unknown> } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: extra.labels ?? {} },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra.spec },
});

interface PodBody {
  spec: { serviceAccountName?: string; volumes?: { name: string; projected?: { sources: Record<string, unknown>[] } }[]; containers: { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[] };
}

test('pods get the service account token volume unless automounting is off', async () => {
  await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: 'sa' } });
  const root = await waitFor('kube-root-ca.crt', async () => {
    const r = await call(t.server, 'GET', '/api/v1/namespaces/sa/configmaps/kube-root-ca.crt');
    return r.status === 200 ? r.body : undefined;
  }, 10_000);
  assert.equal(root.data['ca.crt'], t.server.pki.ca.certPem);
  await call(t.server, 'POST', '/api/v1/namespaces/sa/serviceaccounts', { metadata: { name: 'quiet' }, automountServiceAccountToken: false });
  const cases: { name: string; spec?: Record<string, unknown>; sa: string; mounted: boolean }[] = [
    { name: 'plain', sa: 'default', mounted: true },
    { name: 'pod-off', spec: { automountServiceAccountToken: false }, sa: 'default', mounted: false },
    { name: 'sa-off', spec: { serviceAccountName: 'quiet' }, sa: 'quiet', mounted: false },
    { name: 'pod-on-sa-off', spec: { serviceAccountName: 'quiet', automountServiceAccountToken: true }, sa: 'quiet', mounted: true },
  ];
  for (const c of cases) {
    const r = await call(t.server, 'POST', '/api/v1/namespaces/sa/pods', pod(c.name, { spec: c.spec }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const body = r.body as PodBody;
    assert.equal(body.spec.serviceAccountName, c.sa, c.name);
    const vol = body.spec.volumes?.find((v) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.equal(vol !== undefined, c.mounted, c.name);
    if (!vol) continue;
    assert.ok(vol.projected?.sources.some((s) => 'serviceAccountToken' in s), c.name);
    assert.deepEqual(body.spec.containers[0]?.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }], c.name);
  }
});

async function makeReady(ns: string, name: string): Promise<void> {
  const cur = await call(t.server, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`);
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  const r = await call(t.server, 'PUT', `/api/v1/namespaces/${ns}/pods/${name}/status`, { ...cur.body, status });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const evict = (ns: string, name: string) =>
  call(t.server, 'POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } });

async function budget(ns: string, name: string, want: (s: Record<string, number>) => boolean): Promise<Record<string, number>> {
  return waitFor(`PDB ${name} status`, async () => {
    const r = await call(t.server, 'GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${name}`);
    return r.body.status && want(r.body.status) ? (r.body.status as Record<string, number>) : undefined;
  }, 10_000);
}

test('eviction honours the PodDisruptionBudget the disruption controller keeps current', async () => {
  const ns = 'pdb';
  await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
  for (const n of ['db-0', 'db-1']) {
    assert.equal((await call(t.server, 'POST', `/api/v1/namespaces/${ns}/pods`, pod(n, { labels: { app: 'db' } }))).status, 201);
    await makeReady(ns, n);
  }
  await call(t.server, 'POST', `/api/v1/namespaces/${ns}/pods`, pod('pending', { labels: { app: 'db' } }));
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } } };
  assert.equal((await call(t.server, 'POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, pdb)).status, 201);
  const st = await budget(ns, 'db', (s) => s.currentHealthy === 2);
  assert.deepEqual([st.expectedPods, st.desiredHealthy, st.disruptionsAllowed], [3, 2, 0]);

  const refused = await evict(ns, 'db-0');
  assert.equal(refused.status, 429);
  assert.equal(refused.body.reason, 'TooManyRequests');
  assert.equal(refused.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(refused.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 2 healthy pods and has 2 currently' }]);
  assert.equal((await call(t.server, 'GET', `/api/v1/namespaces/${ns}/pods/db-0`)).body.metadata.deletionTimestamp, undefined);
  assert.equal((await evict(ns, 'pending')).status, 201, 'a pending pod is evicted whatever the budget');

  const cur = await call(t.server, 'GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db`);
  await call(t.server, 'PUT', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db`, { ...cur.body, spec: { ...cur.body.spec, minAvailable: 1 } });
  await budget(ns, 'db', (s) => s.observedGeneration === 2 && s.disruptionsAllowed === 1);
  assert.equal((await evict(ns, 'db-0')).status, 201);
  const after = await budget(ns, 'db', (s) => s.disruptionsAllowed === 0);
  assert.equal(after.currentHealthy, 1);
  assert.equal((await evict(ns, 'db-1')).status, 429);
});
