import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../api/meta/index.js';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';
import { parseSelection } from '../rest/read.js';
import type { RestDeps } from '../rest/context.js';
import { selectors } from '../selectors/index.js';
import { Store } from '../store/store.js';
import { WatchHub } from './hub.js';
import { startWatch, type WatchEventType } from './watch.js';

const pods = {
  info: { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ['watch'], subresources: [] },
  hooks: {},
} as unknown as ServedResource;

const pod = (name: string, nodeName: string, rv?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', ...(rv ? { resourceVersion: rv } : {}) }, spec: { nodeName },
});

test('watchers with field selectors: each event lands on the watchers it selects; field values are read once per event object', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-test-'));
  const store = new Store(join(dir, 'db.sqlite'));
  const hub = new WatchHub(store);
  let reads = 0;
  const counted = { ...selectors, selectableFields: (info, obj) => (reads++, selectors.selectableFields(info, obj)) } satisfies typeof selectors;
  const deps: RestDeps = { store, registry: {} as ResourceRegistry, modules: { selectors: counted }, now: () => new Date() };
  const seen = new Map<string, [WatchEventType, string][]>();
  const stops: (() => void)[] = [];
  try {
    for (const [watcher, selector] of [['n1-a', 'spec.nodeName=n1'], ['n1-b', 'spec.nodeName=n1'], ['n2', 'spec.nodeName=n2'], ['all', '']] as const) {
      const got: [WatchEventType, string][] = [];
      seen.set(watcher, got);
      const selection = parseSelection(deps, pods, { fieldSelector: selector });
      stops.push(startWatch(deps, hub, { resource: pods, namespace: 'ns', selection, resourceVersion: String(store.currentRv()), allowBookmarks: false }, (type, o) => {
        got.push([type, (o as KubeObject).metadata?.name ?? '']);
      }));
    }
    const gr = { group: '', resource: 'pods' };
    const a = store.create(gr, pod('a', 'n1'));
    store.update(gr, pod('a', 'n2', a.metadata?.resourceVersion));
    store.create(gr, pod('b', 'n2'));
    assert.deepEqual(Object.fromEntries(seen), {
      'n1-a': [['ADDED', 'a'], ['DELETED', 'a']],
      'n1-b': [['ADDED', 'a'], ['DELETED', 'a']],
      n2: [['ADDED', 'a'], ['ADDED', 'b']],
      all: [['ADDED', 'a'], ['MODIFIED', 'a'], ['ADDED', 'b']],
    });
    // Three selecting watchers would read each object's fields three times (before and after an update each).
    assert.equal(reads, 4, 'fields of a (created), a (updated), its previous form, and b: once each');
  } finally {
    for (const stop of stops) stop();
    hub.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
