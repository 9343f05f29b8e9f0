/**
 * A keyed work queue as client-go's: a key waits at most once, is never processed by two
 * workers at once (a key added while processing runs again afterwards), and failures back off
 * per key exponentially. Reconcile functions return a requeue delay or throw.
 */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** An error that is logged and not retried (CONVENTIONS.md). */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface WorkQueueOptions {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly workers?: number;
  readonly onError?: (key: string, err: unknown, attempt: number) => void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly reconcile: (key: string) => Promise<ReconcileResult | void>,
    private readonly opts: WorkQueueOptions = {},
  ) {}

  /** Enqueue now (de-duplicated). */
  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Enqueue after a delay; an earlier pending delay for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    if (this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, t);
  }

  get length(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or processing (for tests and shutdown). */
  async idle(): Promise<void> {
    if (this.queue.length === 0 && this.active === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    const workers = this.opts.workers ?? 1;
    while (this.active < workers && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.processing.add(key);
      this.active += 1;
      void this.run(key);
    }
    if (this.queue.length === 0 && this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private backoff(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const base = this.opts.baseDelayMs ?? 5;
    return Math.min(base * 2 ** (n - 1), this.opts.maxDelayMs ?? 60_000);
  }

  private async run(key: string): Promise<void> {
    let retryIn: number | undefined;
    try {
      const res = await this.reconcile(key);
      this.failures.delete(key);
      retryIn = res?.requeueAfterMs;
    } catch (err) {
      if (err instanceof TerminalError) this.failures.delete(key);
      else retryIn = this.backoff(key);
      this.opts.onError?.(key, err, this.failures.get(key) ?? 0);
    } finally {
      this.processing.delete(key);
      this.active -= 1;
    }
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
    else if (retryIn !== undefined) this.addAfter(key, retryIn);
    this.pump();
  }
}
