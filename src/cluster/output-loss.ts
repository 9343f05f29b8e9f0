/**
 * `up` outlives whoever reads its output: when the reader of its stdout/stderr dies (a killed
 * benchmark, a closed ssh session), writes fail with EPIPE (EIO on a hung-up terminal) and an
 * unhandled stream error would end `up` without its clean shutdown, leaving every guest behind.
 */

/** Drops failed writes to `streams` (default stdout and stderr) instead of crashing: log lines are
 *  lost, the cluster keeps running. Idempotent. */
export function tolerateOutputLoss(streams: readonly NodeJS.EventEmitter[] = [process.stdout, process.stderr]): void {
  for (const s of streams) if (!s.listeners('error').includes(dropWriteError)) s.on('error', dropWriteError);
}

function dropWriteError(): void {
  // The reader is gone; there is nowhere left to report it.
}
