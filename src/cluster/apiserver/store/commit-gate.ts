/**
 * Answers wait for the open write batch: a store commits the writes of one event-loop turn in one
 * SQLite transaction (store.ts), and what a client is told (a write's result, or an object read
 * from the memory cache that the batch changed) goes out only once that transaction is committed.
 */

let openBatches = 0;
let failure: unknown;
let waiting: ((err?: unknown) => void)[] = [];

/** A store began a batch; answers given from now on wait for it. */
export function batchOpened(): void {
  openBatches++;
}

/** A store's batch ended, committed or (with `err`) rolled back; when none is open, waiting answers go. */
export function batchClosed(err?: unknown): void {
  openBatches = Math.max(0, openBatches - 1);
  if (err !== undefined && failure === undefined) failure = err;
  if (openBatches > 0) return;
  const run = waiting;
  const err2 = failure;
  waiting = [];
  failure = undefined;
  for (const f of run) {
    try {
      f(err2);
    } catch {
      // one answer that cannot be written must not hold back the others
    }
  }
}

/** Runs `f` now when no batch is open, else once every open batch has ended (with the first failure, if any). */
export function afterCommit(f: (err?: unknown) => void): void {
  if (openBatches === 0) f();
  else waiting.push(f);
}
