import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedQueue } from './queue.js';

test('de-duplicates keys and retries failures until they succeed', async () => {
  const calls: string[] = [];
  let failA = 2;
  const q = new KeyedQueue((k) => {
    calls.push(k);
    if (k === 'a' && failA-- > 0) throw new Error('boom');
  });
  q.add('a');
  q.add('a');
  q.add('b');
  const deadline = Date.now() + 2000;
  while (calls.filter((c) => c === 'a').length < 3 && Date.now() < deadline) await q.idle().then(() => new Promise((r) => setTimeout(r, 5)));
  assert.equal(calls.filter((c) => c === 'b').length, 1);
  assert.equal(calls.filter((c) => c === 'a').length, 3);
  await q.stop();
});

test('never runs one key twice at once', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const q = new KeyedQueue(async () => {
    active++;
    runs++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, 10));
    active--;
  });
  q.add('k');
  await new Promise((r) => setImmediate(r));
  q.add('k');
  q.add('k');
  const deadline = Date.now() + 2000;
  while (runs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await q.idle();
  assert.equal(maxActive, 1);
  assert.equal(runs, 2);
  await q.stop();
});
