import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StatusError } from '../../../api/meta/index.js';
import { afterCommit } from './commit-gate.js';
import { Store } from './store.js';

const cms = { group: '', resource: 'configmaps' };
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name } });
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function withStore(fn: (s: Store, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-gc-'));
  const path = join(dir, 'db.sqlite');
  const s = new Store(path);
  try {
    await fn(s, path);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

/** Names of the committed configmaps, as another connection sees them. */
function committedNames(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT key FROM objects WHERE resource = '/configmaps' ORDER BY key").all() as { key: string }[]).map((r) => r.key);
  } finally {
    db.close();
  }
}

test('the writes of one turn are committed together after it; answers wait for the commit', async () => {
  await withStore(async (s, path) => {
    const answered: string[] = [];
    s.create(cms, cm('a'));
    afterCommit(() => answered.push(`a:${committedNames(path).join(',')}`));
    s.create(cms, cm('b'));
    // A failed write undoes only itself.
    assert.throws(() => s.create(cms, cm('a')), (e: unknown) => e instanceof StatusError && e.code === 409);
    assert.equal(s.get(cms, 'ns', 'b')?.metadata?.name, 'b', 'the memory cache shows the batch at once');
    assert.deepEqual(committedNames(path), [], 'nothing is committed inside the turn');
    assert.equal(answered.length, 0, 'the answer waits');
    await nextTurn();
    assert.deepEqual(committedNames(path), ['ns/a', 'ns/b']);
    assert.equal(answered.join(' '), 'a:ns/a,ns/b');
    // With no batch open, an answer goes at once.
    afterCommit(() => answered.push('now'));
    assert.equal(answered.join(' '), 'a:ns/a,ns/b now');
  });
});

test('a failed commit rolls the batch back, drops the memory cache and fails the waiting answers', async () => {
  await withStore(async (s) => {
    s.create(cms, cm('kept'));
    await nextTurn();
    const rv = s.currentRv();
    const st = (s as unknown as { st: { commit: { run(): unknown } } }).st;
    const real = st.commit;
    st.commit = {
      run() {
        throw new Error('disk I/O error');
      },
    };
    s.create(cms, cm('lost'));
    assert.equal(s.currentRv(), rv + 1);
    const outcome = new Promise<unknown>((resolve) => afterCommit(resolve));
    await nextTurn();
    st.commit = real;
    assert.match(String(await outcome), /disk I\/O error/);
    assert.equal(s.get(cms, 'ns', 'lost'), undefined);
    assert.equal(s.get(cms, 'ns', 'kept')?.metadata?.name, 'kept');
    assert.equal(s.currentRv(), rv);
    // The store goes on: the next write takes the next resourceVersion and commits.
    assert.equal(s.create(cms, cm('next')).metadata?.resourceVersion, String(rv + 1));
    await nextTurn();
    assert.equal(s.list(cms).items.length, 2);
  });
});

test('an answer that throws does not hold back the others', async () => {
  await withStore(async (s) => {
    const ran: string[] = [];
    s.create(cms, cm('x'));
    afterCommit(() => {
      throw new Error('headers already sent');
    });
    afterCommit(() => ran.push('second'));
    await nextTurn();
    assert.equal(ran.join(','), 'second');
  });
});

test('a failed first write of a turn (no savepoint) undoes only itself; the turn goes on in a new batch', async () => {
  await withStore(async (s, path) => {
    const rv = s.currentRv();
    const events: string[] = [];
    s.subscribe((ev) => events.push(`${ev.type} ${ev.name} ${ev.rv}`));
    // It wrote a row before it failed: the rolled-back batch must take the row with it.
    assert.throws(() => s.write(() => {
      s.create(cms, cm('half'));
      throw new Error('admission said no');
    }), /admission said no/);
    assert.equal(s.currentRv(), rv);
    assert.equal(s.get(cms, 'ns', 'half'), undefined);
    let answered = false;
    afterCommit(() => (answered = true));
    assert.ok(answered, 'no batch is left open by the failed write');
    // A failure before any SQL (409) leaves nothing open either.
    s.create(cms, cm('dup'));
    await nextTurn();
    assert.throws(() => s.create(cms, cm('dup')), (e: unknown) => e instanceof StatusError && e.code === 409);
    s.create(cms, cm('after'));
    assert.equal(s.get(cms, 'ns', 'after')?.metadata?.resourceVersion, String(rv + 2));
    const outcome = new Promise<unknown>((resolve) => afterCommit(resolve));
    await nextTurn();
    assert.equal(await outcome, undefined);
    assert.deepEqual(committedNames(path), ['ns/after', 'ns/dup']);
    assert.deepEqual(events, [`ADDED dup ${rv + 1}`, `ADDED after ${rv + 2}`]);
  });
});
