/**
 * Watches and informers against the in-process server: resume from a resourceVersion, 410 Gone
 * once history is compacted, bookmarks, and an informer that keeps working across a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startTestServer, waitFor, type TestServer } from './harness.js';
import { defaultModules } from '../../src/cluster/apiserver/wiring.js';

let t: TestServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

before(async () => {
  t = await startTestServer({ historySize: 40 });
  kc = new k8s.KubeConfig();
  kc.loadFromString(t.server.adminKubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'w' } } });
});
after(async () => {
  await t.close();
});

interface Seen {
  type: string;
  name: string;
  rv: string;
}

async function collect(path: string, query: Record<string, string | boolean>, until: (s: Seen[]) => boolean): Promise<{ seen: Seen[]; err?: unknown }> {
  const seen: Seen[] = [];
  let err: unknown;
  const w = new k8s.Watch(kc);
  const ctl = await w.watch(
    path,
    query,
    (type, obj: k8s.KubernetesObject) => {
      seen.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '' });
    },
    (e: unknown) => {
      err = e;
    },
  );
  try {
    await waitFor('watch events', () => until(seen) || err !== undefined);
  } finally {
    ctl.abort();
  }
  return { seen, err };
}

test('watch from a resourceVersion replays later events, then streams live ones', async () => {
  const a = await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'a' } } });
  await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'b' } } });
  const live = core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'c' } } });
  const { seen } = await collect('/api/v1/namespaces/w/configmaps', { resourceVersion: a.metadata!.resourceVersion! }, (s) => s.some((e) => e.name === 'c'));
  await live;
  assert.deepEqual(seen.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.name}`), ['ADDED b', 'ADDED c']);
});

test('a label-selected watch sees an object leave the selection as DELETED', { skip: defaultModules().patches ? false : 'the patch module is not wired in yet' }, async () => {
  await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'sel', labels: { x: 'y' } } } });
  const rv = (await core.listNamespacedConfigMap({ namespace: 'w' })).metadata!.resourceVersion!;
  const p = collect('/api/v1/namespaces/w/configmaps', { resourceVersion: rv, labelSelector: 'x=y' }, (s) => s.some((e) => e.type === 'DELETED'));
  await new Promise((r) => setTimeout(r, 50));
  await core.patchNamespacedConfigMap(
    { name: 'sel', namespace: 'w', body: [{ op: 'replace', path: '/metadata/labels/x', value: 'z' }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  const { seen } = await p;
  assert.deepEqual(seen.map((e) => `${e.type} ${e.name}`), ['DELETED sel']);
});

test('watching from a compacted resourceVersion ends with 410 Expired', async () => {
  for (let i = 0; i < 50; i++) await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: `bulk${i}` } } });
  const res = await fetchWatchError();
  assert.equal(res.code, 410);
  assert.equal(res.reason, 'Expired');
  assert.match(res.message, /too old resource version: 1 \(\d+\)/);
});

async function fetchWatchError(): Promise<{ code: number; reason: string; message: string }> {
  const { call } = await import('./harness.js');
  const r = await call(t.server, 'GET', '/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=1');
  const line = String(typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).trim().split('\n')[0] ?? '';
  const ev = JSON.parse(line) as { type: string; object: { code: number; reason: string; message: string } };
  assert.equal(ev.type, 'ERROR');
  return ev.object;
}

test('an informer keeps its cache in sync across a server restart', async () => {
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/w/configmaps', () => core.listNamespacedConfigMap({ namespace: 'w' }));
  const names = new Set<string>();
  informer.on('add', (o) => names.add(o.metadata?.name ?? ''));
  informer.on('delete', (o) => names.delete(o.metadata?.name ?? ''));
  let stopped = false;
  informer.on('error', () => {
    if (!stopped) setTimeout(() => void (stopped ? undefined : informer.start().catch(() => undefined)), 100);
  });
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'before-restart' } } });
    await waitFor('informer add', () => names.has('before-restart'));
    await t.restart();
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'after-restart' } } });
    await core.deleteNamespacedConfigMap({ name: 'before-restart', namespace: 'w' });
    await waitFor('informer after restart', () => names.has('after-restart') && !names.has('before-restart'), 15_000);
  } finally {
    stopped = true;
    await informer.stop();
  }
});
