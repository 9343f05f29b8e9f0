/**
 * Joins two byte streams both ways (a local TCP connection and a websocket stream). As
 * upstream's port-forward does, the pair is torn down once either side's input ends or either
 * side fails; what one side already sent is flushed to the other before it is closed.
 */
import type { Duplex } from 'node:stream';

const FLUSH_DEADLINE_MS = 5_000;

/** Closes a stream after its pending writes are flushed (bounded), resolving once it is closed. */
function closeGracefully(s: Duplex): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => s.destroy(), FLUSH_DEADLINE_MS);
    timer.unref();
    s.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (s.writableFinished) s.destroy();
    else s.end(() => s.destroy());
  });
}

/** Copies a<->b until one direction ends or a side errors; resolves when both are closed. */
export function bridge(a: Duplex, b: Duplex): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    const shutdown = (): void => {
      if (done) return;
      done = true;
      a.unpipe(b);
      b.unpipe(a);
      void Promise.all([closeGracefully(a), closeGracefully(b)]).then(() => resolve());
    };
    a.pipe(b, { end: false });
    b.pipe(a, { end: false });
    for (const s of [a, b]) {
      s.once('end', shutdown);
      s.on('error', shutdown);
      s.once('close', shutdown);
    }
  });
}
