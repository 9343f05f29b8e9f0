import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncTracker } from './sync-tracker.js';

/** A promise with its settle functions, to play a launcher sync in flight. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve: () => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Resolves once `cond` holds (checked on each macrotask), failing after `ms`. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

test('a sync runs once per key in the background and wakes its key when it ends', async () => {
  const woken: string[] = [];
  const t = new SyncTracker({ wake: (k) => woken.push(k) });
  const d = deferred();
  let runs = 0;
  t.start('ns/a', () => { runs += 1; return d.promise; });
  t.start('ns/a', () => { runs += 1; return d.promise; });
  assert.equal(runs, 1);
  assert.deepEqual(t.state('ns/a'), { kind: 'running' });
  assert.deepEqual(t.state('ns/b'), { kind: 'idle' });
  d.resolve();
  await until(() => woken.length > 0);
  assert.deepEqual(woken, ['ns/a']);
  assert.deepEqual(t.state('ns/a'), { kind: 'idle' });
});

test('a failed sync backs off exponentially per key, then wakes its key; success resets the back-off', async () => {
  let now = 1000;
  const woken: string[] = [];
  const failures: string[] = [];
  const t = new SyncTracker({ wake: (k) => woken.push(k), failed: (k, e) => failures.push(`${k}: ${String(e)}`) }, { baseDelayMs: 20, maxDelayMs: 40, now: () => now });
  const table: { retryInMs: number }[] = [{ retryInMs: 20 }, { retryInMs: 40 }, { retryInMs: 40 }];
  for (const [i, row] of table.entries()) {
    t.start('ns/a', () => Promise.reject(new Error(`boom ${i}`)));
    await until(() => failures.length === i + 1);
    const st = t.state('ns/a');
    assert.equal(st.kind, 'backoff');
    assert.equal(st.kind === 'backoff' ? st.retryInMs : 0, row.retryInMs);
    assert.equal(woken.length, i, 'no wake before the back-off ends');
    await until(() => woken.length === i + 1); // the real timer fires
    now += row.retryInMs;
    assert.deepEqual(t.state('ns/a'), { kind: 'idle' });
  }
  assert.match(failures[0] ?? '', /^ns\/a: Error: boom 0$/);
  t.start('ns/a', () => Promise.resolve());
  await until(() => woken.length === table.length + 1);
  t.start('ns/a', () => Promise.reject(new Error('again')));
  await until(() => failures.length === table.length + 1);
  const st = t.state('ns/a');
  assert.equal(st.kind === 'backoff' ? st.retryInMs : 0, 20, 'back-off restarts after a success');
  t.stop();
});

test('a forgotten key is not woken by its sync or its back-off', async () => {
  const woken: string[] = [];
  const t = new SyncTracker({ wake: (k) => woken.push(k) }, { baseDelayMs: 100 });
  const d = deferred();
  t.start('ns/a', () => d.promise);
  t.forget('ns/a');
  d.reject(new Error('late'));
  t.start('ns/b', () => Promise.reject(new Error('x')));
  await until(() => t.state('ns/b').kind !== 'running');
  t.forget('ns/b');
  await new Promise((r) => setTimeout(r, 250)); // longer than the 100 ms back-off: its timer must stay cancelled
  assert.deepEqual(woken, []);
  assert.deepEqual(t.state('ns/a'), { kind: 'idle' });
});
