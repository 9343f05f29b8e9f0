import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until as waitUntil } from '../../test/fixtures/wait.js';
import { clusterDeps } from './cluster-deps.js';
import { isFeatureGateEnabled } from '../api/kubevirt/defaults/index.js';
import type { KubeClient, WatchEvent } from '../client/kube-client.js';

type Obj = { metadata: { name: string; namespace?: string; resourceVersion: string } } & Record<string, unknown>;

const kv = (rv: string, gates: string[]): Obj => ({
  apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', metadata: { name: 'kubevirt', namespace: 'kubevirt', resourceVersion: rv },
  spec: { configuration: { developerConfiguration: { featureGates: gates } } },
});
const limitRange = (ns: string, name: string, memory: string): Obj => ({
  apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: ns, resourceVersion: '3' },
  spec: { limits: [{ type: 'Container', default: { memory } }] },
});

/**
 * A KubeClient stand-in (unit test): each collection lists `initial[path]` (others are empty), then
 * watch events pushed by the test; every GET's path is recorded.
 */
function fakeClient(initial: Record<string, Obj[]> = {}) {
  const pushers = new Map<string, (e: WatchEvent) => void>();
  const gets: string[] = [];
  const client = {
    get: (path: string) => {
      gets.push(path);
      return Promise.resolve({ metadata: { resourceVersion: '1' }, items: initial[path] ?? [] });
    },
    watch: (path: string, _q: unknown, onEvent: (e: WatchEvent) => void, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        pushers.set(path, onEvent);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
  return {
    client: client as unknown as KubeClient,
    gets,
    push: (path: string, e: WatchEvent) => pushers.get(path)?.(e),
    watching: (...paths: string[]) => paths.every((p) => pushers.has(p)),
  };
}

/** Waits (5 s at most) until `cond` holds. */
const until = (what: string, cond: () => boolean): Promise<true> => waitUntil(what, () => (cond() ? true : undefined), 5000, 10);

const KUBEVIRTS = '/apis/kubevirt.io/v1/kubevirts';
const PRESETS = '/apis/kubevirt.io/v1/virtualmachineinstancepresets';
const LIMIT_RANGES = '/api/v1/limitranges';

test('a feature gate switched on in the KubeVirt CR applies without a restart', async () => {
  const fake = fakeClient({ [KUBEVIRTS]: [kv('1', [])] });
  const cluster = clusterDeps(fake.client, []);
  cluster.start();
  try {
    await until('the informers synced', () => cluster.ready() && fake.watching(KUBEVIRTS));
    assert.equal(isFeatureGateEnabled(cluster.deps.config(), 'HostDisk'), false);
    fake.push(KUBEVIRTS, { type: 'MODIFIED', object: kv('2', ['HostDisk']) });
    await until('HostDisk enabled', () => isFeatureGateEnabled(cluster.deps.config(), 'HostDisk'));
  } finally {
    await cluster.stop();
  }
});

test('LimitRanges and presets come from caches: a VMI create costs no API request, a new LimitRange applies to the next one', async () => {
  const fake = fakeClient({ [LIMIT_RANGES]: [limitRange('b', 'lr', '1Gi'), limitRange('a', 'z', '2Gi'), limitRange('a', 'lr', '1Gi')] });
  const cluster = clusterDeps(fake.client, []);
  cluster.start();
  try {
    await until('watches on KubeVirt, presets and LimitRanges', () => fake.watching(KUBEVIRTS, PRESETS, LIMIT_RANGES));
    const listed = fake.gets.length;
    assert.deepEqual((await cluster.deps.listLimitRanges('a')).map((l) => l.metadata?.namespace + '/' + (l as Obj).metadata.name), ['a/lr', 'a/z']);
    assert.deepEqual(await cluster.deps.listPresets('a'), []);
    fake.push(LIMIT_RANGES, { type: 'ADDED', object: limitRange('c', 'new', '3Gi') });
    assert.deepEqual((await cluster.deps.listLimitRanges('c')).map((l) => l.spec?.limits?.[0]?.default?.memory), ['3Gi']);
    assert.equal(fake.gets.length, listed, `no GET once the caches listed: ${fake.gets.slice(listed).join(', ')}`);
  } finally {
    await cluster.stop();
  }
});

test('before the caches have listed, LimitRanges are read from the API', async () => {
  const ns = '/api/v1/namespaces/a/limitranges';
  const fake = fakeClient({ [ns]: [limitRange('a', 'lr', '1Gi')] });
  const cluster = clusterDeps(fake.client, []);
  try {
    assert.deepEqual((await cluster.deps.listLimitRanges('a')).map((l) => l.spec?.limits?.[0]?.default?.memory), ['1Gi']);
    assert.deepEqual(fake.gets, [ns]);
  } finally {
    await cluster.stop();
  }
});
