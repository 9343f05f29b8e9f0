/**
 * A small keyed work queue for in-server controllers: de-duplicates keys, never runs one key
 * twice at once, retries failures with per-key exponential backoff, and can be drained.
 */

/** Reconciles one key; throw to retry later. */
export type Reconcile = (key: string) => Promise<void> | void;

/** Keyed queue with backoff. */
export class KeyedQueue {
  private readonly dirty = new Set<string>();
  private readonly running = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;
  private stopped = false;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly reconcile: Reconcile,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
    private readonly maxBackoffMs = 5_000,
  ) {}

  /** Queues a key (no-op if already queued). */
  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.schedule();
  }

  /** Queues a key after a delay. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drainOnce();
    });
  }

  private drainOnce(): void {
    for (const key of [...this.dirty]) {
      if (this.running.has(key) || this.stopped) continue;
      this.dirty.delete(key);
      this.running.add(key);
      this.inflight++;
      void this.run(key);
    }
    this.checkIdle();
  }

  private async run(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.onError(key, err);
      this.addAfter(key, Math.min(this.maxBackoffMs, 10 * 2 ** n));
    } finally {
      this.running.delete(key);
      this.inflight--;
      if (this.dirty.size > 0) this.schedule();
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.inflight === 0 && this.dirty.size === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.inflight === 0 && this.dirty.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops processing and cancels retries; waits for running reconciles. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.dirty.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.idle();
  }
}
