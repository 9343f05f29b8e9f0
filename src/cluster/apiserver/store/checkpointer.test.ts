import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { until } from '../../../../test/fixtures/wait.js';
import { Checkpointer } from './checkpointer.js';
import type { CheckpointLimits } from './checkpoint-policy.js';

/** A WAL database written by this thread, checkpointed only by a Checkpointer with `limits`. */
async function withDb(limits: CheckpointLimits, fn: (write: (n: number) => void, cp: Checkpointer, walBytes: () => number) => Promise<void>, tailPass = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const path = join(dir, 'db.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 0');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)');
  let k = 0;
  const tail = (): { busy: number; log: number; checkpointed: number } => (db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0]!;
  const cp = new Checkpointer(path, () => assert.fail('the checkpoint worker failed'), limits, tailPass ? tail : undefined);
  const write = (n: number): void => {
    for (let i = 0; i < n; i++) {
      insert.run(k++ % 500, 'x'.repeat(2000));
      cp.committed(1);
    }
  };
  try {
    await fn(write, cp, () => statSync(`${path}-wal`).size);
  } finally {
    cp.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a quiet moment after a burst lets the worker copy the whole WAL, so the next commit restarts it', async () => {
  await withDb({ everyCommits: 50, quietMs: 50, restartFrames: 1_000_000, rewindFrames: 1_000_000 }, async (write, cp, walBytes) => {
    for (let i = 0; i < 10; i++) {
      write(40);
      await new Promise((r) => setImmediate(r));
    }
    const long = walBytes();
    const lastWrite = performance.timeOrigin + performance.now();
    await until('a checkpoint pass after the last write', () => (cp.recent().some((r) => r.at > lastWrite) ? true : undefined), 20_000);
    write(1);
    assert.ok(walBytes() < long / 10, `WAL of ${walBytes()} bytes after the restart, ${long} before`);
    assert.ok(cp.recent().every((r) => r.mode === 'PASSIVE'));
  });
});

test('a burst with no quiet moment gets a RESTART checkpoint once the WAL passes the hard limit', async () => {
  await withDb({ everyCommits: 20, quietMs: 60_000, restartFrames: 200, rewindFrames: 1_000_000 }, async (write, cp) => {
    // No quiet moment: only an immediate (the worker's replies) between batches.
    const deadline = Date.now() + 20_000;
    while (!cp.recent().some((r) => r.mode === 'RESTART')) {
      if (Date.now() > deadline) assert.fail('no RESTART checkpoint');
      write(20);
      await new Promise((r) => setImmediate(r));
    }
    const restart = cp.recent().find((r) => r.mode === 'RESTART');
    assert.ok(restart && restart.walFrames > 200);
  });
});

test('a burst with no quiet moment: the event loop copies the short tail after a worker pass, so the WAL restarts without a RESTART', async () => {
  await withDb({ everyCommits: 20, quietMs: 60_000, restartFrames: 1_000_000, rewindFrames: 100 }, async (write, cp) => {
    const deadline = Date.now() + 20_000;
    // Commits keep landing while each worker pass runs (only an immediate between batches).
    for (;;) {
      const recs = cp.recent();
      const first = recs.findIndex((r) => r.where === 'main');
      // After a tail pass the WAL restarted: a later worker pass sees a shorter WAL than the tail pass did.
      if (first >= 0 && recs.slice(first + 1).some((r) => r.where === 'worker' && r.walFrames < (recs[first]?.walFrames ?? 0))) break;
      if (Date.now() > deadline) assert.fail(`the WAL never restarted: ${JSON.stringify(recs.slice(-5))}`);
      write(20);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(cp.recent().every((r) => r.mode === 'PASSIVE'), 'no RESTART was needed');
  }, true);
});

test('the worker runs in a process started with --input-type=module (as `node -e` scripts are)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  try {
    const mod = new URL('./checkpointer.ts', import.meta.url).href;
    const script = `
      const Database = (await import('better-sqlite3')).default;
      const { Checkpointer } = await import(${JSON.stringify(mod)});
      const path = ${JSON.stringify(join(dir, 'db.sqlite'))};
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      const cp = new Checkpointer(path, () => undefined, { everyCommits: 1, quietMs: 10, restartFrames: 1e9 });
      db.exec('CREATE TABLE t (k)');
      cp.committed(1);
      const deadline = Date.now() + 15000;
      while (cp.recent().length === 0 && !cp.failure && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      console.log(JSON.stringify({ passes: cp.recent().length, failure: cp.failure ?? null }));
      cp.close();
      db.close();`;
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? '{}'), { passes: 1, failure: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
