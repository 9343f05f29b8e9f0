import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, restartDecision, shouldRestart } from './backoff.js';

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
