import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from './store.js';
import { statusCodeOf } from '../../../../test/fixtures/status-code.js';

const cms = { group: '', resource: 'configmaps' };
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function withDir(fn: (path: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-layout-'));
  return Promise.resolve(fn(join(dir, 'db.sqlite'))).finally(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
}

/** Row counts and blank object rows, as another connection sees them. */
function tables(path: string): { objects: number; blank: number; events: number } {
  const db = new Database(path, { readonly: true });
  try {
    const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return { objects: n('SELECT count(*) AS n FROM objects'), blank: n("SELECT count(*) AS n FROM objects WHERE data = ''"), events: n('SELECT count(*) AS n FROM events') };
  } finally {
    db.close();
  }
}

/**
 * A database as the store wrote it while each object's JSON was stored twice (objects.data and
 * events.data): configmaps c0..c4 at rv 1..5, c1 updated at rv 6, c3 deleted at rv 7, c4 updated at
 * rv 8, history compacted up to rv 5 (events 6..8 kept).
 */
function writeOldLayout(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE objects (resource TEXT NOT NULL, key TEXT NOT NULL, namespace TEXT NOT NULL,
      rv INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (resource, key)) WITHOUT ROWID;
    CREATE TABLE events (rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
    INSERT INTO meta (k, v) VALUES ('rv', 5), ('compacted', 5);
  `);
  const json = (name: string, rv: number, v: string): string => JSON.stringify({ metadata: { namespace: 'ns', name, resourceVersion: String(rv) }, data: { v } });
  const upsert = db.prepare('INSERT OR REPLACE INTO objects (resource, key, namespace, rv, data) VALUES (?, ?, ?, ?, ?)');
  const event = db.prepare('INSERT INTO events (rv, type, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 5; i++) upsert.run('/configmaps', `ns/c${i}`, 'ns', i + 1, json(`c${i}`, i + 1, 'old'));
  upsert.run('/configmaps', 'ns/c1', 'ns', 6, json('c1', 6, 'updated'));
  event.run(6, 'MODIFIED', '/configmaps', 'ns', 'c1', json('c1', 6, 'updated'));
  db.prepare('DELETE FROM objects WHERE key = ?').run('ns/c3');
  event.run(7, 'DELETED', '/configmaps', 'ns', 'c3', json('c3', 7, 'old'));
  upsert.run('/configmaps', 'ns/c4', 'ns', 8, json('c4', 8, 'updated'));
  event.run(8, 'MODIFIED', '/configmaps', 'ns', 'c4', json('c4', 8, 'updated'));
  db.close();
}

const summary = (s: Store): string[] => s.list(cms).items.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}:${(o.data as { v: string }).v}`);

test('a database written in the old layout (JSON in objects and events) opens, reads and goes on', async () => {
  await withDir(async (path) => {
    writeOldLayout(path);
    const want = ['c0@1:old', 'c1@6:updated', 'c2@3:old', 'c4@8:updated'];
    let s = new Store(path, { historySize: 4 });
    assert.equal(s.currentRv(), 8);
    assert.deepEqual(summary(s), want, 'list (SQLite)');
    assert.deepEqual(s.list(cms, { namespace: 'ns', afterKey: 'ns/c1' }).items.map((o) => o.metadata?.name), ['c2', 'c4'], 'list of a namespace');
    assert.deepEqual(s.rowsAt(cms).rows.map(([k]) => k), ['ns/c0', 'ns/c1', 'ns/c2', 'ns/c4'], 'the memory cache');
    assert.equal(s.get(cms, 'ns', 'c2')?.metadata?.resourceVersion, '3');
    assert.deepEqual(s.eventsSince(cms, 5).map((e) => `${e.type} ${e.name} ${e.rv}`), ['MODIFIED c1 6', 'DELETED c3 7', 'MODIFIED c4 8']);
    assert.equal(statusCodeOf(() => s.eventsSince(cms, 4)), 410);
    // New writes over old rows, then enough more that the history is compacted past all of them.
    s.guaranteedUpdate(cms, 'ns', 'c0', (o) => ({ ...o, data: { v: 'new' } }));
    s.delete(cms, 'ns', 'c2');
    for (let i = 0; i < 8; i++) s.create(cms, { metadata: { namespace: 'ns', name: `n${i}` }, data: { v: 'new' } });
    await nextTurn();
    assert.ok(s.compactedRv() > 8);
    const after = summary(s);
    assert.deepEqual(after.slice(0, 3), ['c0@9:new', 'c1@6:updated', 'c4@8:updated']);
    assert.equal(after.length, 11);
    s.close();
    s = new Store(path);
    assert.deepEqual(summary(s), after, 'after reopening: old and new rows alike');
    assert.deepEqual(s.rowsAt(cms).rows.length, 11);
    s.close();
    // Events: the history (15..18) and the rows of current objects (c1@6, c4@8, c0@9, n0..n3@11..14); deletions went.
    assert.deepEqual(tables(path), { objects: 11, blank: 9, events: 4 + 7 }, 'old rows keep their JSON; new ones are blank');
  });
});

test('compaction keeps the event rows that hold current objects, and drops them once replaced', async () => {
  await withDir(async (path) => {
    let s = new Store(path, { historySize: 10 });
    for (let i = 0; i < 20; i++) s.create(cms, { metadata: { namespace: 'ns', name: `c${i}` }, data: { v: '0' } });
    await nextTurn();
    // Every object was written before the history's start, yet its JSON is still there.
    assert.ok(s.compactedRv() >= 10);
    assert.equal(tables(path).events, 20);
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 20; i++) s.guaranteedUpdate(cms, 'ns', `c${i}`, (o) => ({ ...o, data: { v: String(round) } }));
      await nextTurn();
    }
    s.delete(cms, 'ns', 'c0');
    await nextTurn();
    // Compaction left the events after the compacted resourceVersion, plus those holding current objects.
    const t = tables(path);
    assert.deepEqual({ objects: t.objects, blank: t.blank }, { objects: 19, blank: 19 });
    assert.ok(t.events <= 10 + 1 + 19 + 10, `events ${t.events}: the replaced objects' rows went`);
    const rv = s.currentRv();
    assert.equal(statusCodeOf(() => s.eventsSince(cms, s.compactedRv() - 1)), 410);
    assert.ok(s.eventsSince(cms, s.compactedRv()).every((e) => e.rv > s.compactedRv()), 'kept rows below the compacted resourceVersion are not history');
    s.close();
    s = new Store(path, { historySize: 10 });
    assert.equal(s.currentRv(), rv);
    assert.equal(s.list(cms).items.length, 19);
    assert.ok(s.list(cms).items.every((o) => (o.data as { v: string }).v === '3'));
    assert.equal((s.get(cms, 'ns', 'c7')?.data as { v: string } | undefined)?.v, '3');
    s.close();
  });
});
