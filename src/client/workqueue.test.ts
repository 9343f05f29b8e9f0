import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalError, WorkQueue } from './workqueue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('de-duplicates keys that wait and reruns a key changed while processing', async () => {
  const seen: string[] = [];
  const gate = deferred();
  const q = new WorkQueue(async (k) => {
    seen.push(k);
    if (seen.length === 1) await gate.promise;
  });
  q.add('a');
  q.add('a'); // processing: marks dirty
  q.add('b');
  q.add('b'); // waiting: de-duplicated
  gate.resolve();
  await q.idle();
  assert.deepEqual(seen, ['a', 'b', 'a']);
});

test('never runs one key on two workers at once', async () => {
  let running = 0;
  let maxRunning = 0;
  const q = new WorkQueue(
    async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      running -= 1;
    },
    { workers: 4 },
  );
  for (let i = 0; i < 10; i++) q.add('same');
  await q.idle();
  await q.idle();
  assert.equal(maxRunning, 1);
});

test('backs off failures per key and stops on TerminalError', async () => {
  const attempts = new Map<string, number>();
  const done = deferred();
  const q = new WorkQueue(
    async (k) => {
      const n = (attempts.get(k) ?? 0) + 1;
      attempts.set(k, n);
      if (k === 'flaky' && n < 3) throw new Error('transient');
      if (k === 'flaky') done.resolve();
      if (k === 'fatal') throw new TerminalError('no');
    },
    { baseDelayMs: 1 },
  );
  q.add('flaky');
  q.add('fatal');
  await done.promise;
  await q.idle();
  assert.equal(attempts.get('flaky'), 3);
  assert.equal(attempts.get('fatal'), 1);
  q.stop();
});

test('requeueAfterMs schedules another run', async () => {
  let n = 0;
  const done = deferred();
  const q = new WorkQueue(async () => {
    n += 1;
    if (n === 2) done.resolve();
    return n < 2 ? { requeueAfterMs: 5 } : {};
  });
  q.add('k');
  await done.promise;
  assert.equal(n, 2);
  q.stop();
});
