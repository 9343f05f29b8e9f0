import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLUSH_BYTES, WatchBatch } from './watch-batch.js';

const sink = () => {
  const writes: string[] = [];
  return { writes, out: { write: (b: Buffer) => writes.push(b.toString('utf8')) } };
};
const turnEnd = () => new Promise<void>((r) => setImmediate(r));

test('WatchBatch: lines queued across ticks of one loop turn go out as one write, in order', async () => {
  const a = sink();
  const b = sink();
  const ba = new WatchBatch(a.out);
  const bb = new WatchBatch(b.out);
  ba.push(Buffer.from('1\n'));
  bb.push(Buffer.from('x\n'));
  await new Promise<void>((r) => process.nextTick(r));
  ba.push(Buffer.from('2\n'));
  await Promise.resolve();
  ba.push(Buffer.from('3\n'));
  assert.deepEqual(a.writes, [], 'nothing is written before the turn ends');
  await turnEnd();
  assert.deepEqual(a.writes, ['1\n2\n3\n']);
  assert.deepEqual(b.writes, ['x\n']);
  ba.push(Buffer.from('4\n'));
  await turnEnd();
  assert.deepEqual(a.writes, ['1\n2\n3\n', '4\n'], 'a later turn is a later write');
});

test('WatchBatch: flush writes at once; a backlog past FLUSH_BYTES is written without waiting; discard drops', async () => {
  const a = sink();
  const ba = new WatchBatch(a.out);
  ba.push(Buffer.from('a\n'));
  ba.flush();
  assert.deepEqual(a.writes, ['a\n']);
  ba.flush();
  assert.equal(a.writes.length, 1, 'an empty batch writes nothing');
  const big = Buffer.alloc(FLUSH_BYTES, 'z');
  ba.push(Buffer.from('b\n'));
  ba.push(big);
  assert.equal(a.writes.length, 2);
  assert.equal(a.writes[1]?.length, FLUSH_BYTES + 2);
  ba.push(Buffer.from('c\n'));
  ba.discard();
  ba.push(Buffer.from('d\n'));
  await turnEnd();
  assert.equal(a.writes.length, 2, 'nothing after discard');
});
