import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient, WatchEvent } from '../../client/kube-client.js';
import { until } from '../../../test/fixtures/wait.js';
import { KubePodApi } from './api-objects.js';
import { serviceEnv, type ServiceForEnv } from './service-env.js';
import { ServiceLister } from './service-lister.js';

const svc = (namespace: string, name: string, port: number, resourceVersion: string): ServiceForEnv & { metadata: { resourceVersion: string } } => ({
  metadata: { name, namespace, resourceVersion },
  spec: { clusterIP: `10.96.0.${port % 250}`, ports: [{ port }] },
});

/** A KubeClient double: one Service list, then a watch the test feeds; records every GET path. */
function fakeClient(items: ServiceForEnv[]) {
  const gets: string[] = [];
  let feed: ((e: WatchEvent<ServiceForEnv>) => void) | undefined;
  const client = {
    get: (path: string) => {
      gets.push(path);
      return Promise.resolve({ metadata: { resourceVersion: '10' }, items });
    },
    watch: (_path: string, _q: unknown, onEvent: (e: WatchEvent<ServiceForEnv>) => void, signal?: AbortSignal) => {
      feed = onEvent;
      return new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
    },
  } as unknown as KubeClient;
  return { client, gets, send: (e: WatchEvent<ServiceForEnv>) => feed?.(e), watching: () => feed !== undefined };
}

test('pod starts read Services from the informer: one LIST at start, none per pod, changes seen through the watch', async () => {
  const f = fakeClient([svc('default', 'kubernetes', 443, '1'), svc('web', 'front', 80, '2'), svc('other', 'db', 5432, '3')]);
  const lister = new ServiceLister(f.client);
  await lister.start();
  try {
    const api = new KubePodApi(f.client, lister);
    const envOf = async (ns: string) => serviceEnv([...(await api.services(ns)), ...(ns === 'default' ? [] : await api.services('default'))], ns);
    for (let i = 0; i < 20; i++) assert.equal((await envOf('web')).get('FRONT_SERVICE_PORT'), '80');
    assert.equal((await envOf('web')).get('KUBERNETES_SERVICE_PORT'), '443');
    assert.equal((await envOf('web')).has('DB_SERVICE_HOST'), false, "another namespace's Service");
    assert.deepEqual(f.gets, ['/api/v1/services'], 'only the informer lists Services');

    await until('the watch is open', () => f.watching() || undefined, 5000, 10);
    f.send({ type: 'ADDED', object: svc('web', 'cache', 6379, '11') });
    f.send({ type: 'MODIFIED', object: svc('web', 'front', 8080, '12') });
    const env = await envOf('web');
    assert.equal(env.get('CACHE_SERVICE_PORT'), '6379', 'an added Service');
    assert.equal(env.get('FRONT_SERVICE_PORT'), '8080', 'a changed Service');
    f.send({ type: 'DELETED', object: svc('web', 'cache', 6379, '13') });
    assert.equal((await envOf('web')).has('CACHE_SERVICE_PORT'), false, 'a deleted Service');
    assert.deepEqual(f.gets, ['/api/v1/services']);
  } finally {
    await lister.stop();
  }
});
