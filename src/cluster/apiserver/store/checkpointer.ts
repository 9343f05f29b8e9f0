/**
 * Moves most of SQLite's WAL checkpointing off the event loop: a worker thread with its own
 * connection copies committed WAL frames into the database file (PASSIVE, so writers never wait).
 * A passive checkpoint racing a busy writer never finishes the WAL, so once the WAL is long the
 * owner finishes it on its own connection (only the frames since the worker's pass are left).
 * Commits stay durable in the WAL whether or not a checkpoint ran; this only bounds the WAL.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx and from dist/.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  let frames = -1;
  try { frames = db.pragma('wal_checkpoint(PASSIVE)')[0].log; } catch { frames = -1; }
  parentPort.postMessage(frames);
});
`;

/** Asks a worker thread to checkpoint the WAL of one database file, at most one run at a time. */
export class Checkpointer {
  private worker: Worker | undefined;
  private busy = false;
  private failed = false;

  /**
   * `onLongWal` runs when a pass leaves more than `maxFrames` frames in the WAL; `onFailure` runs
   * once if the worker cannot run (the caller then checkpoints itself).
   */
  constructor(
    private readonly path: string,
    private readonly maxFrames: number,
    private readonly onLongWal: () => void,
    private readonly onFailure: () => void,
  ) {}

  /** Starts a checkpoint unless one is running; the worker starts on first use. */
  request(): void {
    if (this.busy || this.failed) return;
    const w = (this.worker ??= this.start());
    if (!w) return;
    this.busy = true;
    w.postMessage('checkpoint');
  }

  private start(): Worker | undefined {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(workerSource, { eval: true, workerData: { path: this.path, driver } });
      w.unref();
      w.on('message', (frames: number) => {
        this.busy = false;
        if (frames < 0) this.fail();
        else if (frames > this.maxFrames && !this.failed) this.onLongWal();
      });
      w.on('error', () => this.fail());
      return w;
    } catch {
      this.fail();
      return undefined;
    }
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.busy = false;
    this.onFailure();
  }

  /** Lets the worker close its connection and end. */
  close(): void {
    this.failed = true;
    this.worker?.postMessage('close');
    this.worker = undefined;
  }
}
