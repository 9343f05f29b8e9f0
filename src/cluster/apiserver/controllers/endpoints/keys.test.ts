import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta/index.js';
import type { RestDeps } from '../../rest/context.js';
import type { StoreEvent } from '../../store/store.js';
import { serviceKeysOf } from './controller.js';

const service = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec });
const podEvent = (ns: string, labels?: Record<string, string>, prevLabels?: Record<string, string>): StoreEvent => ({
  type: 'MODIFIED',
  resource: '/pods',
  namespace: ns,
  name: 'p',
  rv: 1,
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns, labels } },
  prev: prevLabels ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns, labels: prevLabels } } : undefined,
});

/** A store whose Service snapshot is `services` (a new array stands for a change, as the store's snapshot does). */
function depsWith(services: { current: readonly KubeObject[] }): Pick<RestDeps, 'store'> {
  const snapshot = (gr: { group: string; resource: string }): readonly KubeObject[] => {
    assert.deepEqual(gr, { group: '', resource: 'services' });
    return services.current;
  };
  return { store: { snapshot } as unknown as RestDeps['store'] };
}

test('serviceKeysOf: a pod event maps to the managed Services of its namespace selecting its new or old labels', () => {
  const services = {
    current: [
      service('a', 'web', { selector: { app: 'web' } }),
      service('a', 'any', { selector: {} }),
      service('a', 'ext', { type: 'ExternalName', selector: { app: 'web' }, externalName: 'x.example' }),
      service('a', 'manual', {}),
      service('a', 'db', { selector: { app: 'db' } }),
      service('b', 'web', { selector: { app: 'web' } }),
    ],
  };
  const deps = depsWith(services);
  const table: [string, StoreEvent, string[]][] = [
    ['labels match', podEvent('a', { app: 'web' }), ['a/web', 'a/any']],
    ['old labels match too', podEvent('a', { app: 'db' }, { app: 'web' }), ['a/web', 'a/any', 'a/db']],
    ['no labels: only an empty selector would match, and labels are absent', podEvent('a'), []],
    ['other namespace', podEvent('b', { app: 'web' }), ['b/web']],
    ['namespace without Services', podEvent('c', { app: 'web' }), []],
  ];
  for (const [name, ev, want] of table) assert.deepEqual(serviceKeysOf(deps, ev), want, name);
  // A changed Service set (a new snapshot) is seen on the next event.
  services.current = [...services.current, service('c', 'web', { selector: { app: 'web' } })];
  assert.deepEqual(serviceKeysOf(deps, podEvent('c', { app: 'web' })), ['c/web']);
  services.current = services.current.filter((s) => s.metadata?.name !== 'any');
  assert.deepEqual(serviceKeysOf(deps, podEvent('a', { app: 'web' })), ['a/web']);
});

test('serviceKeysOf: Services, Endpoints and slices map to their own Service', () => {
  const deps = depsWith({ current: [] });
  const ev = (resource: string, name: string, labels?: Record<string, string>): StoreEvent => ({ type: 'ADDED', resource, namespace: 'a', name, rv: 1, object: { metadata: { name, labels } } });
  assert.deepEqual(serviceKeysOf(deps, ev('/services', 's')), ['a/s']);
  assert.deepEqual(serviceKeysOf(deps, ev('/endpoints', 's')), ['a/s']);
  assert.deepEqual(serviceKeysOf(deps, ev('discovery.k8s.io/endpointslices', 's-x', { 'kubernetes.io/service-name': 's' })), ['a/s']);
  assert.deepEqual(serviceKeysOf(deps, ev('/configmaps', 'c')), []);
});
