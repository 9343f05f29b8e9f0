/**
 * Keeps SQLite's WAL checkpointing off the event loop: a worker thread with its own connection
 * copies committed WAL frames into the database file, as checkpoint-policy.ts decides (PASSIVE
 * passes during bursts, a pass in a quiet moment so the WAL restarts, RESTART only past a hard
 * limit). Commits stay durable in the WAL whether or not a checkpoint ran; this only bounds the WAL.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { defaultCheckpointLimits, nextCheckpoint, rewindAfterPass, type CheckpointLimits } from './checkpoint-policy.js';

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx and from dist/
// (with no exec flags: an inherited --input-type=module would make it ESM, without `require`).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
parentPort.on('message', (mode) => {
  if (mode === 'close') { db.close(); parentPort.close(); return; }
  const t0 = performance.now();
  try {
    const r = db.pragma(mode === 'RESTART' ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ mode, busy: r.busy, log: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0 });
  } catch (err) {
    parentPort.postMessage({ mode, error: String(err), ms: performance.now() - t0 });
  }
});
`;

/** What the worker reports after one checkpoint. */
interface PassReport {
  readonly mode: 'PASSIVE' | 'RESTART';
  readonly busy?: number;
  readonly log?: number;
  readonly checkpointed?: number;
  readonly error?: string;
  readonly ms: number;
}

/** One checkpoint: when it started (epoch ms), how long it took, its mode, the WAL length (frames) it saw. */
export interface CheckpointRecord {
  readonly at: number;
  readonly ms: number;
  readonly where: 'worker' | 'main';
  readonly mode: 'PASSIVE' | 'RESTART';
  readonly walFrames: number;
}

/** The most recent checkpoints kept for diagnostics (a small ring, cheap to keep). */
const keptRecords = 256;

/** Runs the WAL checkpoints of one database file in a worker thread, at most one at a time. */
export class Checkpointer {
  private worker: Worker | undefined;
  private busy = false;
  private failed = false;
  private commitsSinceRequest = 0;
  private walFrames = 0;
  private backfilled = true;
  private lastCommit = 0;
  private quietTimer: NodeJS.Timeout | undefined;
  private readonly records: CheckpointRecord[] = [];
  /** Why the worker could not run, if it could not (the owner then checkpoints itself). */
  failure: string | undefined;

  /**
   * `onFailure` runs once if the worker cannot run (the caller then checkpoints itself); `tailPass`
   * runs a PASSIVE checkpoint on the caller's own connection (the event loop) and reports it.
   */
  constructor(
    private readonly path: string,
    private readonly onFailure: () => void,
    private readonly limits: CheckpointLimits = defaultCheckpointLimits,
    private readonly tailPass?: () => { readonly busy: number; readonly log: number; readonly checkpointed: number },
  ) {}

  /** Notes `n` commits and starts a checkpoint when the policy asks for one. */
  committed(n: number): void {
    this.commitsSinceRequest += n;
    this.backfilled = false;
    this.lastCommit = performance.now();
    this.consider();
  }

  private consider(): void {
    if (this.busy || this.failed) return;
    const mode = nextCheckpoint(
      { commitsSinceRequest: this.commitsSinceRequest, walFrames: this.walFrames, backfilled: this.backfilled, msSinceCommit: performance.now() - this.lastCommit },
      this.limits,
    );
    if (mode) this.request(mode);
    else if (!this.backfilled) this.armQuietCheck();
  }

  /** Looks again once writes may have paused, so a quiet WAL gets copied fully (and restarts). */
  private armQuietCheck(): void {
    if (this.quietTimer) return;
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      this.consider();
    }, this.limits.quietMs);
    this.quietTimer.unref();
  }

  private request(mode: 'PASSIVE' | 'RESTART'): void {
    const w = (this.worker ??= this.start());
    if (!w) return;
    this.busy = true;
    this.commitsSinceRequest = 0;
    w.postMessage(mode);
  }

  private start(): Worker | undefined {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(workerSource, { eval: true, execArgv: [], workerData: { path: this.path, driver } });
      w.unref();
      w.on('message', (r: PassReport) => this.finished(r));
      w.on('error', (err) => this.fail(String(err)));
      return w;
    } catch (err) {
      this.fail(String(err));
      return undefined;
    }
  }

  private finished(r: PassReport): void {
    this.busy = false;
    if (r.error !== undefined || r.log === undefined) return this.fail(r.error ?? 'no result');
    if (this.records.length >= keptRecords) this.records.shift();
    this.records.push({ at: performance.timeOrigin + performance.now() - r.ms, ms: r.ms, where: 'worker', mode: r.mode, walFrames: r.log });
    let complete = r.busy === 0 && r.checkpointed === r.log;
    if (this.tailPass && rewindAfterPass({ complete, walFrames: r.log, commitsDuring: this.commitsSinceRequest }, this.limits)) {
      const t0 = performance.now();
      const tail = this.tailPass();
      const ms = performance.now() - t0;
      if (this.records.length >= keptRecords) this.records.shift();
      this.records.push({ at: performance.timeOrigin + t0, ms, where: 'main', mode: 'PASSIVE', walFrames: tail.log });
      complete = tail.busy === 0 && tail.checkpointed === tail.log;
      if (complete) this.commitsSinceRequest = 0;
    }
    // Commits during the pass left frames it did not copy.
    this.backfilled = complete && this.commitsSinceRequest === 0;
    // Once every frame is copied the next commit writes the WAL from its start (after a RESTART,
    // writers waited for it, so they already did).
    this.walFrames = this.backfilled || (complete && r.mode === 'RESTART') ? 0 : r.log;
    this.consider();
  }

  /** The most recent checkpoints (diagnostics: when they ran, for how long, on how long a WAL). */
  recent(): readonly CheckpointRecord[] {
    return this.records;
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = why;
    this.busy = false;
    this.onFailure();
  }

  /** Lets the worker close its connection and end. */
  close(): void {
    this.failed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.worker?.postMessage('close');
    this.worker = undefined;
  }
}
