import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, OperationBackoff, restartDecision, shouldRestart } from './backoff.js';

test('back-off starts at 10 s and doubles to 5 min', () => {
  const want = [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000];
  assert.deepEqual(want.map((_, i) => backoffDelay(i)), want);
});

test('restartDecision waits out the back-off, and resets after a long run', () => {
  assert.deepEqual(restartDecision(2, 0, 1_000, 5_000), { restartNow: false, waitMs: 16_000 });
  assert.deepEqual(restartDecision(2, 0, 1_000, 21_000), { restartNow: true, waitMs: 0 });
  assert.deepEqual(restartDecision(5, 0, 700_000, 700_000), { restartNow: true, waitMs: 0 });
});

test('shouldRestart honours restartPolicy', () => {
  const cases: [Parameters<typeof shouldRestart>[0], number, boolean][] = [
    ['Always', 0, true], [undefined, 1, true], ['OnFailure', 0, false], ['OnFailure', 2, true], ['Never', 1, false],
  ];
  for (const [p, code, want] of cases) assert.equal(shouldRestart(p, code), want, `${p} ${code}`);
});

test("volume back-off: kubelet's 500 ms, doubling, capped at 2m2s", () => {
  const b = new OperationBackoff();
  const waits = Array.from({ length: 11 }, (_, i) => b.failed('pod', i * 1000));
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 122_000, 122_000, 122_000]);
});

test('volume back-off: a key waits out its last delay; a reset or another key does not wait', () => {
  const b = new OperationBackoff();
  assert.equal(b.remaining('a', 0), 0);
  b.failed('a', 10_000);
  b.failed('a', 10_500);
  assert.equal(b.remaining('a', 10_600), 900);
  assert.equal(b.remaining('a', 11_500), 0);
  assert.equal(b.remaining('b', 10_600), 0);
  b.reset('a');
  assert.equal(b.remaining('a', 10_600), 0);
  assert.equal(b.failed('a', 20_000), 500, 'starts over after a reset');
});
