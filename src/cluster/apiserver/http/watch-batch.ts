/**
 * Coalesces a watch connection's event lines: every line queued during one turn of the event
 * loop (the commits of all requests handled in that turn) goes out as one chunk at the turn's
 * check phase, so a burst of writes costs each watcher one socket write (one TLS record, one
 * wake-up of its reader) per turn instead of one per event. Order is kept; a large backlog (an
 * initial list) is written as soon as it passes FLUSH_BYTES.
 */

/** Where a batch's chunks go (an HTTP response in chunked encoding). */
export interface ChunkOut {
  write(chunk: Buffer): unknown;
}

/** A batch holding more than this many bytes is written at once rather than at the turn's end. */
export const FLUSH_BYTES = 256 * 1024;

const dirty = new Set<WatchBatch>();
let scheduled = false;

function flushDirty(): void {
  scheduled = false;
  const batches = [...dirty];
  dirty.clear();
  for (const b of batches) b.flush();
}

/** The lines one watch connection has yet to write. */
export class WatchBatch {
  private pending: Buffer[] = [];
  private bytes = 0;
  private closed = false;

  constructor(private readonly out: ChunkOut) {}

  /** Queues a line (its bytes are never changed afterwards, so they are not copied). */
  push(line: Buffer): void {
    if (this.closed) return;
    this.pending.push(line);
    this.bytes += line.length;
    if (this.bytes >= FLUSH_BYTES) {
      this.flush();
      return;
    }
    if (this.pending.length === 1) {
      dirty.add(this);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushDirty);
      }
    }
  }

  /** Writes what is queued as one chunk. */
  flush(): void {
    dirty.delete(this);
    const lines = this.pending;
    if (lines.length === 0) return;
    this.pending = [];
    this.bytes = 0;
    this.out.write(lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines));
  }

  /** The connection is gone: drops what is queued and ignores later lines. */
  discard(): void {
    this.closed = true;
    dirty.delete(this);
    this.pending = [];
    this.bytes = 0;
  }
}
