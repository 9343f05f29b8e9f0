/**
 * Launcher syncs run in the background, one per VMI: preparing disks and network and starting
 * the domain takes seconds under load, and a handler worker waiting on it would hold up every
 * other VMI on the node (upstream's launcher likewise reports progress through domain events).
 * A finished sync re-enqueues its VMI at once; a failed one after a per-VMI exponential back-off
 * (its own timer: a work queue's pending resync must not postpone the retry).
 */

/** What the handler may do about one VMI's sync now. */
export type SyncState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running' }
  | { readonly kind: 'backoff'; readonly retryInMs: number; readonly error: unknown };

/** Options of SyncTracker. */
export interface SyncTrackerOptions {
  /** First retry delay after a failed sync (doubles per consecutive failure). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly now?: () => number;
}

interface Entry {
  running: boolean;
  failures: number;
  retryAt: number;
  error?: unknown;
  timer?: NodeJS.Timeout;
}

/** Hooks of SyncTracker. */
export interface SyncTrackerHooks {
  /** The key's sync ended, or its back-off after a failure did: reconcile it. */
  readonly wake: (key: string) => void;
  /** A sync failed (before its back-off starts). */
  readonly failed?: (key: string, error: unknown) => void;
}

/** Per-VMI background syncs with back-off. */
export class SyncTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly hooks: SyncTrackerHooks, private readonly opts: SyncTrackerOptions = {}) {}

  /** Whether a sync for the key runs, waits out a back-off, or may start. */
  state(key: string): SyncState {
    const e = this.entries.get(key);
    if (!e) return { kind: 'idle' };
    if (e.running) return { kind: 'running' };
    const wait = e.retryAt - this.now();
    return wait > 0 ? { kind: 'backoff', retryInMs: wait, error: e.error } : { kind: 'idle' };
  }

  /** Starts `run` for the key unless one runs already; never rejects. */
  start(key: string, run: () => Promise<unknown>): void {
    const prior = this.entries.get(key);
    if (prior?.running) return;
    clearTimeout(prior?.timer);
    const entry: Entry = { running: true, failures: prior?.failures ?? 0, retryAt: 0 };
    this.entries.set(key, entry);
    void run().then(
      () => this.settle(key, entry),
      (err: unknown) => this.settle(key, entry, err),
    );
  }

  /** Forgets the key (VMI gone or final); a sync still running settles without effect. */
  forget(key: string): void {
    clearTimeout(this.entries.get(key)?.timer);
    this.entries.delete(key);
  }

  /** Forgets every key. */
  stop(): void {
    for (const key of [...this.entries.keys()]) this.forget(key);
  }

  private settle(key: string, entry: Entry, err?: unknown): void {
    if (this.entries.get(key) !== entry) return;
    if (err === undefined) {
      this.entries.delete(key);
      this.hooks.wake(key);
      return;
    }
    entry.running = false;
    entry.failures += 1;
    entry.error = err;
    const delay = Math.min((this.opts.baseDelayMs ?? 500) * 2 ** (entry.failures - 1), this.opts.maxDelayMs ?? 60_000);
    entry.retryAt = this.now() + delay;
    this.hooks.failed?.(key, err);
    entry.timer = setTimeout(() => {
      if (this.entries.get(key) === entry) this.hooks.wake(key);
    }, delay);
    entry.timer.unref();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}
