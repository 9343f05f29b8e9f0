import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../api/meta/index.js';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';
import { parseSelection, selects } from '../rest/read.js';
import { asServed, type RestDeps } from '../rest/context.js';
import { selectors } from '../selectors/index.js';
import { Store } from '../store/store.js';
import { WatchHub } from './hub.js';
import { startWatch, type WatchEventType } from './watch.js';
import { prng } from '../../../../test/fixtures/prng.js';

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

test('routing by namespace and required field or label value (hub index) sends each watcher exactly what testing every event would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-test-'));
  const store = new Store(join(dir, 'db.sqlite'));
  const hub = new WatchHub(store);
  const deps: RestDeps = { store, registry: {} as ResourceRegistry, modules: { selectors }, now: () => new Date() };
  const gr = { group: '', resource: 'pods' };
  const watchers: [string, string, string][] = [
    // [namespace, fieldSelector, labelSelector]
    ['', 'spec.nodeName=n1', ''],
    ['', 'spec.nodeName=n2', ''],
    ['', 'spec.nodeName=', ''],
    ['', 'spec.nodeName=,status.phase!=Failed', ''],
    ['', 'spec.nodeName!=n1', ''],
    ['', '', 'app=x'],
    ['', '', 'app in (y)'],
    ['ns1', '', 'app==z,!tier'],
    ['', '', 'constructor=x'],
    ['', '', 'app!=x'],
    ['', 'spec.host=n1', 'app in (x,y)'],
    ['', 'metadata.name=p1', ''],
    ['ns1', 'spec.nodeName=n1', ''],
    ['ns2', '', ''],
    ['ns2', 'status.phase=Running,spec.nodeName=n2', ''],
    ['', '', ''],
  ];
  const got: string[][] = watchers.map(() => []);
  const want: string[][] = watchers.map(() => []);
  const stops: (() => void)[] = [];
  const served = new Map<number, unknown>();
  try {
    watchers.forEach(([namespace, fieldSelector, labelSelector], i) => {
      const selection = parseSelection(deps, pods, { fieldSelector, labelSelector });
      stops.push(startWatch(deps, hub, { resource: pods, namespace, selection, resourceVersion: String(store.currentRv()), allowBookmarks: false }, (type, o) => {
        const obj = o as KubeObject;
        // Every watcher of one event gets the same served object.
        const rv = Number(obj.metadata?.resourceVersion);
        if (!served.has(rv)) served.set(rv, o);
        assert.equal(served.get(rv), o, 'one served object per event');
        got[i]?.push(`${type} ${obj.metadata?.namespace}/${obj.metadata?.name}@${rv}`);
      }));
      // The oracle: every event of the resource, tested without routing.
      const oracle = (o: KubeObject | undefined) => o !== undefined && (!namespace || o.metadata?.namespace === namespace) && selects(deps, pods, selection, o);
      stops.push(store.subscribe((ev) => {
        const now = oracle(ev.object);
        const before = ev.type !== 'ADDED' && oracle(ev.prev);
        const type = ev.type === 'DELETED' ? (now || before ? 'DELETED' : '') : now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : '';
        if (type) want[i]?.push(`${type} ${ev.namespace}/${ev.name}@${ev.rv}`);
      }));
    });
    const rnd = prng(42);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const live = new Map<string, KubeObject>();
    for (let step = 0; step < 600; step++) {
      const namespace = pick(['ns1', 'ns2', 'ns3']);
      const name = pick(['p1', 'p2', 'p3', 'p4']);
      const key = `${namespace}/${name}`;
      const cur = live.get(key);
      const body = (): KubeObject => ({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace, labels: pick<Record<string, string>>([{ app: 'x' }, { app: 'y' }, { app: 'z' }, { app: 'z', tier: 'a' }, {}, { constructor: 'x' }]), ...(cur ? { resourceVersion: cur.metadata?.resourceVersion } : {}) },
        spec: pick([{}, { nodeName: 'n1' }, { nodeName: 'n2' }, { nodeName: '' }]),
        status: { phase: pick(['Pending', 'Running', 'Failed']) },
      });
      if (!cur) live.set(key, store.create(gr, body()));
      else if (rnd() < 0.2) {
        store.delete(gr, namespace, name);
        live.delete(key);
      } else live.set(key, store.update(gr, body()));
    }
    assert.ok(want.every((w) => w.length > 0), 'every watcher saw something');
    watchers.forEach((w, i) => assert.deepEqual(got[i], want[i], JSON.stringify(w)));
  } finally {
    for (const stop of stops) stop();
    assert.equal(hub.size, 0);
    hub.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live events: the committed object is served as is when it already is the served form, else a served copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-test-'));
  const store = new Store(join(dir, 'db.sqlite'));
  const hub = new WatchHub(store);
  const deps: RestDeps = { store, registry: {} as ResourceRegistry, modules: { selectors }, now: () => new Date() };
  const events: KubeObject[] = [];
  const committed: KubeObject[] = [];
  const stopStore = store.subscribe((ev) => committed.push(ev.object));
  const stop = startWatch(deps, hub, { resource: pods, namespace: '', selection: {}, resourceVersion: String(store.currentRv()), allowBookmarks: false }, (_t, o) => {
    events.push(o as KubeObject);
  });
  try {
    const gr = { group: '', resource: 'pods' };
    store.create(gr, pod('a', 'n1'));
    // Stored in another order or at another version: served as asServed makes it.
    store.create(gr, { metadata: { name: 'b', namespace: 'ns' }, kind: 'Pod', apiVersion: 'v1' });
    store.create(gr, { apiVersion: 'v0', kind: 'Pod', metadata: { name: 'c', namespace: 'ns' } });
    assert.equal(events.length, 3);
    assert.equal(events[0], committed[0], 'in served form already: not copied');
    for (let i = 0; i < 3; i++) {
      assert.equal(JSON.stringify(events[i]), JSON.stringify(asServed(pods, committed[i] as KubeObject)));
    }
    assert.notEqual(events[1], committed[1]);
    assert.notEqual(events[2], committed[2]);
  } finally {
    stop();
    stopStore();
    hub.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
