import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import type { Store, StoreEvent, StoreListener } from '../store/store.js';
import { EventShare, WatchHub, type IndexTerm } from './hub.js';

/** A store stand-in that only fans events out. */
function fakeStore(): { store: Store; emit: (ev: StoreEvent) => void } {
  const ls = new Set<StoreListener>();
  const store = { subscribe: (l: StoreListener) => (ls.add(l), () => ls.delete(l)) } as unknown as Store;
  return { store, emit: (ev) => ls.forEach((l) => l(ev)) };
}

const pod = (namespace: string, nodeName: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { nodeName } });
const event = (namespace: string, node: string, prevNode?: string): StoreEvent => ({
  type: prevNode === undefined ? 'ADDED' : 'MODIFIED', resource: '/pods', namespace, name: 'p', rv: 1,
  object: pod(namespace, node), prev: prevNode === undefined ? undefined : pod(namespace, prevNode),
});

test('WatchHub: a listener is visited only for its resource, its namespace and, with a term, when the object or its previous form has the value', () => {
  const { store, emit } = fakeStore();
  const hub = new WatchHub(store);
  const by = {};
  let reads = 0;
  const term = (value: string): IndexTerm => ({
    by, field: 'spec.nodeName', value,
    read: (share, prev) => share.once(by, prev ? 'prev' : 'object', (ev) => (reads++, String(((prev ? ev.prev : ev.object)?.spec as { nodeName?: string } | undefined)?.nodeName ?? ''))),
  });
  const visits: string[] = [];
  const l = (name: string) => (ev: StoreEvent) => visits.push(`${name}:${ev.namespace}`);
  const stops = [
    hub.listen('/pods', l('all')),
    hub.listen('/pods', l('ns1'), { namespace: 'ns1' }),
    hub.listen('/pods', l('n1'), { term: term('n1') }),
    hub.listen('/pods', l('ns2-n1'), { namespace: 'ns2', term: term('n1') }),
    hub.listen('/pods', l('n2'), { term: term('n2') }),
    hub.listen('/pods', l('unbound'), { term: term('') }),
    hub.listen('/nodes', l('nodes')),
  ];
  assert.equal(hub.size, 7);
  emit(event('ns1', 'n1'));
  assert.deepEqual(visits.splice(0).sort(), ['all:ns1', 'n1:ns1', 'ns1:ns1']);
  assert.equal(reads, 1, 'the indexed field of the object is read once for all buckets sharing `by`');
  emit(event('ns2', 'n2', 'n1'));
  assert.deepEqual(visits.splice(0).sort(), ['all:ns2', 'n1:ns2', 'n2:ns2', 'ns2-n1:ns2']);
  emit(event('ns3', 'n2', 'n2'));
  assert.deepEqual(visits.splice(0).sort(), ['all:ns3', 'n2:ns3']);
  emit(event('ns3', '', 'n2'));
  assert.deepEqual(visits.splice(0).sort(), ['all:ns3', 'n2:ns3', 'unbound:ns3']);
  // Stopping removes exactly that listener; the last one of a resource leaves nothing behind.
  stops[2]?.();
  stops[2]?.();
  emit(event('ns1', 'n1'));
  assert.deepEqual(visits.splice(0).sort(), ['all:ns1', 'ns1:ns1']);
  for (const stop of stops) stop();
  assert.equal(hub.size, 0);
  emit(event('ns1', 'n1'));
  assert.deepEqual(visits, []);
  hub.close();
});

test('EventShare.once: one computation per (owner, part) and event', () => {
  const share = new EventShare(event('ns', 'n1'));
  const a = {};
  let n = 0;
  const f = (ev: StoreEvent) => ({ n: ++n, name: ev.name });
  const first = share.once(a, 'x', f);
  assert.equal(share.once(a, 'x', f), first);
  assert.notEqual(share.once(a, 'y', f), first);
  assert.notEqual(share.once({}, 'x', f), first);
  assert.equal(n, 3);
  assert.equal(first.name, 'p');
});
