import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type StoreEvent } from './store.js';
import { statusCodeOf } from '../../../../test/fixtures/status-code.js';

const pods = { group: '', resource: 'pods' };
const cms = { group: '', resource: 'configmaps' };

function withStore(fn: (s: Store) => void, historySize?: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const s = new Store(join(dir, 'db.sqlite'), { historySize });
  try {
    fn(s);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

const pod = (ns: string, name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name },
  ...extra,
});

test('one global resourceVersion across resources, persisted across reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const path = join(dir, 'db.sqlite');
  try {
    const s = new Store(path);
    const a = s.create(pods, pod('ns1', 'a'));
    const b = s.create(cms, { metadata: { namespace: 'ns1', name: 'c' } });
    assert.equal(Number(b.metadata?.resourceVersion), Number(a.metadata?.resourceVersion) + 1);
    const rv = s.currentRv();
    s.close();
    const s2 = new Store(path);
    assert.equal(s2.currentRv(), rv);
    assert.equal(s2.get(pods, 'ns1', 'a')?.metadata?.resourceVersion, a.metadata?.resourceVersion);
    assert.equal(Number(s2.create(pods, pod('ns1', 'd')).metadata?.resourceVersion), rv + 1);
    s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

test('create conflicts, stale update conflicts, missing get is 404', () => {
  withStore((s) => {
    const a = s.create(pods, pod('ns', 'a'));
    assert.equal(statusCodeOf(() => s.create(pods, pod('ns', 'a'))), 409);
    assert.equal(statusCodeOf(() => s.mustGet(pods, 'ns', 'zz')), 404);
    const u = s.update(pods, { ...a, spec: { x: 1 } }, a.metadata?.resourceVersion);
    assert.notEqual(u.metadata?.resourceVersion, a.metadata?.resourceVersion);
    assert.equal(statusCodeOf(() => s.update(pods, { ...a, spec: { x: 2 } }, a.metadata?.resourceVersion)), 409);
    assert.equal(statusCodeOf(() => s.delete(pods, 'ns', 'a', { uid: 'nope' })), 409);
  });
});

test('list pages by key, by namespace, with a filter counting towards the limit', () => {
  withStore((s) => {
    for (const ns of ['a', 'b', 'ab']) for (let i = 0; i < 5; i++) s.create(pods, pod(ns, `p${i}`, { spec: { i } }));
    assert.equal(s.list(pods).items.length, 15);
    assert.equal(s.list(pods, { namespace: 'a' }).items.length, 5);
    const p1 = s.list(pods, { namespace: 'b', limit: 2 });
    assert.deepEqual(p1.items.map((o) => o.metadata?.name), ['p0', 'p1']);
    assert.equal(p1.more, true);
    const p2 = s.list(pods, { namespace: 'b', limit: 10, afterKey: p1.lastKey });
    assert.deepEqual(p2.items.map((o) => o.metadata?.name), ['p2', 'p3', 'p4']);
    assert.equal(p2.more, false);
    const odd = s.list(pods, { filter: (o) => ((o.spec as { i: number }).i % 2) === 1, limit: 3 });
    assert.equal(odd.items.length, 3);
    assert.equal(odd.more, true);
  });
});

test('listeners get committed events in order; failed transactions emit nothing', () => {
  withStore((s) => {
    const seen: StoreEvent[] = [];
    s.subscribe((e) => seen.push(e));
    s.create(pods, pod('ns', 'a'));
    assert.throws(() =>
      s.write(() => {
        s.create(pods, pod('ns', 'b'));
        s.create(pods, pod('ns', 'a'));
      }),
    );
    const rv = s.currentRv();
    s.guaranteedUpdate(pods, 'ns', 'a', (o) => ({ ...o, spec: { y: 1 } }));
    s.delete(pods, 'ns', 'a');
    assert.deepEqual(seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(seen[1]?.rv, rv + 1);
    assert.equal(s.get(pods, 'ns', 'b'), undefined);
  });
});

test('history replays events after an RV and expires old ones with 410', () => {
  withStore((s) => {
    const first = s.create(pods, pod('ns', 'p0'));
    for (let i = 1; i < 30; i++) s.create(pods, pod('ns', `p${i}`));
    s.create(cms, { metadata: { namespace: 'ns', name: 'x' } });
    const evs = s.eventsSince(pods, s.currentRv() - 5);
    assert.equal(evs.length, 4);
    assert.ok(s.compactedRv() > Number(first.metadata?.resourceVersion));
    assert.equal(statusCodeOf(() => s.eventsSince(pods, Number(first.metadata?.resourceVersion))), 410);
  }, 10);
});

test('the memory cache follows commits and forgets rolled-back writes, inside and after a transaction', () => {
  const cases: { name: string; loadFirst: boolean }[] = [
    { name: 'resource read before the transaction', loadFirst: true },
    { name: 'resource first read inside the transaction', loadFirst: false },
  ];
  for (const c of cases) {
    withStore((s) => {
      s.create(pods, pod('ns', 'a', { spec: { v: 1 } }));
      if (c.loadFirst) assert.ok(s.get(pods, 'ns', 'a'), c.name);
      assert.throws(() =>
        s.write(() => {
          s.guaranteedUpdate(pods, 'ns', 'a', (o) => ({ ...o, spec: { v: 2 } }));
          s.create(pods, pod('ns', 'b'));
          assert.deepEqual(s.get(pods, 'ns', 'a')?.spec, { v: 2 }, `${c.name}: reads inside see the transaction`);
          assert.ok(s.peek(pods, 'ns', 'b'), c.name);
          throw new Error('abort');
        }),
      );
      assert.deepEqual(s.get(pods, 'ns', 'a')?.spec, { v: 1 }, c.name);
      assert.equal(s.get(pods, 'ns', 'b'), undefined, c.name);
      s.delete(pods, 'ns', 'a');
      assert.equal(s.peek(pods, 'ns', 'a'), undefined, c.name);
    });
  }
});

test('peek and snapshot share frozen objects; get returns a private copy; snapshots renew on change', () => {
  withStore((s) => {
    s.create(cms, { metadata: { namespace: 'ns', name: 'b' }, data: { k: 'v' } });
    s.create(cms, { metadata: { namespace: 'ns', name: 'a' } });
    const peeked = s.peek(cms, 'ns', 'b');
    assert.ok(peeked && Object.isFrozen(peeked) && Object.isFrozen(peeked.data));
    assert.throws(() => ((peeked as { data: Record<string, string> }).data.k = 'x'), TypeError);
    const copy = s.get(cms, 'ns', 'b') as { data: Record<string, string> };
    copy.data.k = 'changed';
    assert.deepEqual(s.peek(cms, 'ns', 'b')?.data, { k: 'v' });
    const snap = s.snapshot(cms);
    assert.deepEqual(snap.map((o) => o.metadata?.name), ['a', 'b']);
    assert.equal(s.snapshot(cms), snap, 'unchanged resource: the same array');
    s.snapshot(pods);
    s.create(pods, pod('ns', 'p'));
    assert.equal(s.snapshot(cms), snap, 'another resource changed: still the same array');
    s.delete(cms, 'ns', 'a');
    assert.deepEqual(s.snapshot(cms).map((o) => o.metadata?.name), ['b']);
  });
});

test('writes past a checkpoint interval stay readable and survive reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const path = join(dir, 'db.sqlite');
  try {
    const s = new Store(path, { historySize: 100 });
    for (let i = 0; i < 600; i++) s.create(cms, { metadata: { namespace: 'ns', name: `c${i}` } });
    const rv = s.currentRv();
    s.close();
    const s2 = new Store(path);
    assert.equal(s2.currentRv(), rv);
    assert.equal(s2.list(cms).items.length, 600);
    assert.equal(Number(s2.create(cms, { metadata: { namespace: 'ns', name: 'next' } }).metadata?.resourceVersion), rv + 1);
    s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});
