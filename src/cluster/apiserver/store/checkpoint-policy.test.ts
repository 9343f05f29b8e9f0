import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextCheckpoint, rewindAfterPass, type CheckpointLimits, type WalState } from './checkpoint-policy.js';

const limits: CheckpointLimits = { everyCommits: 256, quietMs: 100, restartFrames: 60_000, rewindFrames: 8_000 };
const base: WalState = { commitsSinceRequest: 0, walFrames: 0, backfilled: true, msSinceCommit: 0 };

test('checkpoint policy: passive every N commits, passive when quiet with frames left, restart only past the hard limit', () => {
  const cases: [string, Partial<WalState>, ReturnType<typeof nextCheckpoint>][] = [
    ['nothing written', {}, undefined],
    ['a few commits, busy', { commitsSinceRequest: 10, backfilled: false, msSinceCommit: 2 }, undefined],
    ['interval reached', { commitsSinceRequest: 256, backfilled: false, msSinceCommit: 1 }, 'PASSIVE'],
    ['quiet with an unfinished WAL', { commitsSinceRequest: 3, backfilled: false, msSinceCommit: 150 }, 'PASSIVE'],
    ['quiet, everything copied', { backfilled: true, msSinceCommit: 5000 }, undefined],
    ['long WAL during a burst, below the hard limit', { commitsSinceRequest: 100, walFrames: 59_000, backfilled: false, msSinceCommit: 1 }, undefined],
    ['past the hard limit', { commitsSinceRequest: 1, walFrames: 60_001, backfilled: false, msSinceCommit: 1 }, 'RESTART'],
    ['past the hard limit, no commit since the last request', { commitsSinceRequest: 0, walFrames: 60_001, backfilled: false, msSinceCommit: 1 }, undefined],
  ];
  for (const [name, s, want] of cases) assert.equal(nextCheckpoint({ ...base, ...s }, limits), want, name);
});

test('tail pass on the event loop: only after a complete worker pass that commits outran, on a long WAL', () => {
  const cases: [string, { complete: boolean; walFrames: number; commitsDuring: number }, boolean][] = [
    ['long WAL, commits during a complete pass', { complete: true, walFrames: 9_000, commitsDuring: 30 }, true],
    ['short WAL', { complete: true, walFrames: 7_000, commitsDuring: 30 }, false],
    ['no commit during the pass (the WAL restarts by itself)', { complete: true, walFrames: 9_000, commitsDuring: 0 }, false],
    ['incomplete pass (a reader holds old frames: the tail is not short)', { complete: false, walFrames: 9_000, commitsDuring: 30 }, false],
  ];
  for (const [name, pass, want] of cases) assert.equal(rewindAfterPass(pass, limits), want, name);
});
