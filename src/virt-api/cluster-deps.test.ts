import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDeps } from './cluster-deps.js';
import { isFeatureGateEnabled } from '../api/kubevirt/defaults/index.js';
import type { KubeClient, WatchEvent } from '../client/kube-client.js';

/** A KubeClient stand-in (unit test): one KubeVirt CR listed, then watch events pushed by the test. */
function fakeClient() {
  let push: ((e: WatchEvent) => void) | undefined;
  const kv = (rv: string, gates: string[]) => ({ apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', metadata: { name: 'kubevirt', namespace: 'kubevirt', resourceVersion: rv }, spec: { configuration: { developerConfiguration: { featureGates: gates } } } });
  const client = {
    get: (path: string) => {
      if (path.endsWith('/kubevirts')) return Promise.resolve({ metadata: { resourceVersion: '1' }, items: [kv('1', [])] });
      return Promise.reject(new Error(`unexpected GET ${path}`));
    },
    watch: (_path: string, _q: unknown, onEvent: (e: WatchEvent) => void, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        push = onEvent;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
  return { client: client as unknown as KubeClient, modify: (gates: string[]) => push?.({ type: 'MODIFIED', object: kv('2', gates) }), watching: () => push !== undefined };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a feature gate switched on in the KubeVirt CR applies without a restart', async () => {
  const fake = fakeClient();
  const cluster = clusterDeps(fake.client, []);
  cluster.start();
  try {
    await until(() => cluster.ready() && fake.watching());
    assert.equal(isFeatureGateEnabled(cluster.deps.config(), 'HostDisk'), false);
    fake.modify(['HostDisk']);
    await until(() => isFeatureGateEnabled(cluster.deps.config(), 'HostDisk'));
  } finally {
    await cluster.stop();
  }
});
