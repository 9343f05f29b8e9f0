/**
 * The order in which requests start their work on the API server's one thread: a request holds a
 * seat from admission until its response is done; while all seats are taken, requests wait in
 * per-level, per-flow queues and start highest level first (round robin over a level's flows).
 * A request never waits longer than maxWaitMs: then it starts first, seat or not (no starvation,
 * no deadlock behind seats held by requests that await a callback). A full flow queue answers 429.
 */
import { StatusError } from '../../../api/meta/index.js';
import type { Classification } from './classify.js';
import { PRIORITY_LEVELS, priorityLevel, type PriorityLevelName } from './levels.js';
import { FlowControlMetrics } from './metrics.js';

/** Tunables of the dispatcher. */
export interface FlowControlOptions {
  /** Requests that may execute at once before others queue (exempt ones do not count). */
  readonly seats?: number;
  /** Queued requests per flow (APF's queueLengthLimit) before 429. */
  readonly queueLengthLimit?: number;
  /** The longest a queued request waits before it starts regardless of level and seats. */
  readonly maxWaitMs?: number;
  /** Retry-After of a 429. */
  readonly retryAfterSeconds?: number;
}

/** Clock and scheduling, injectable for tests. */
export interface DispatcherRuntime {
  readonly now: () => number;
  /** Runs `fn` once the current I/O has been taken in (setImmediate). */
  readonly defer: (fn: () => void) => void;
  readonly setTimer: (fn: () => void, ms: number) => () => void;
}

/** One admitted request: `ready` resolves when it may start; `done()` frees its seat or its place. */
export interface Admission {
  readonly ready: Promise<void>;
  readonly done: () => void;
}

/**
 * Defaults: 8 seats. With admins' creates exempt, 8 made controller writes wait behind seats held
 * across webhook calls and 32 was better; with those creates queued (classify.ts, `admin-creates`),
 * few seats are what lets the controllers' writes on admitted VMIs go first: the 50-VMI bench's p50
 * fell from ~0.5 s to ~0.34 s (docs/benchmarks.md, ADR 0008). A flow queue of twice upstream's
 * queueLengthLimit (50).
 */
export const DEFAULT_FLOW_CONTROL: Required<FlowControlOptions> = { seats: 8, queueLengthLimit: 100, maxWaitMs: 1500, retryAfterSeconds: 1 };

const nodeRuntime: DispatcherRuntime = {
  now: () => performance.now(),
  defer: (fn) => setImmediate(fn),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

interface Waiter {
  readonly c: Classification;
  readonly enqueued: number;
  state: 'queued' | 'executing' | 'done';
  start: () => void;
}

/** One level's queues: one FIFO per flow, served round robin. */
class LevelQueues {
  private readonly flows = new Map<string, Waiter[]>();
  size = 0;

  length(flow: string): number {
    return this.flows.get(flow)?.length ?? 0;
  }

  push(w: Waiter): void {
    const q = this.flows.get(w.c.flow);
    if (q) q.push(w);
    else this.flows.set(w.c.flow, [w]);
    this.size++;
  }

  /** The next waiter in round robin: the first flow's head; that flow then moves to the back. */
  shift(): Waiter | undefined {
    for (const [flow, q] of this.flows) {
      const w = q.shift();
      this.flows.delete(flow);
      if (q.length > 0) this.flows.set(flow, q);
      if (w) {
        this.size--;
        return w;
      }
    }
    return undefined;
  }

  /** The longest-waiting head of any flow. */
  oldest(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const q of this.flows.values()) {
      const h = q[0];
      if (h && (!best || h.enqueued < best.enqueued)) best = h;
    }
    return best;
  }

  remove(w: Waiter): void {
    const q = this.flows.get(w.c.flow);
    const i = q?.indexOf(w) ?? -1;
    if (!q || i < 0) return;
    q.splice(i, 1);
    if (q.length === 0) this.flows.delete(w.c.flow);
    this.size--;
  }
}

/** The API server's flow control: admission, queues, dispatch order and the APF metrics. */
export class FlowControl {
  readonly options: Required<FlowControlOptions>;
  readonly metrics = new FlowControlMetrics();
  private readonly rt: DispatcherRuntime;
  private readonly levels: ReadonlyMap<PriorityLevelName, LevelQueues>;
  private executing = 0;
  private queued = 0;
  private dispatchPending = false;
  private cancelTimer: (() => void) | undefined;

  constructor(options: FlowControlOptions = {}, runtime: DispatcherRuntime = nodeRuntime) {
    this.options = { ...DEFAULT_FLOW_CONTROL, ...options };
    this.rt = runtime;
    this.levels = new Map(PRIORITY_LEVELS.filter((l) => l.limitResponse !== 'exempt').map((l) => [l.name, new LevelQueues()]));
  }

  /** Requests executing now (holding seats). */
  get executingCount(): number {
    return this.executing;
  }

  /** Requests waiting now. */
  get queuedCount(): number {
    return this.queued;
  }

  /**
   * Queues a classified request (exempt ones start at once and take no seat). Throws a 429
   * StatusError when the request's flow queue is full, or a `reject` level has no free seat.
   */
  admit(c: Classification): Admission {
    const level = priorityLevel(c.priorityLevel);
    if (level.limitResponse === 'exempt') return { ready: Promise.resolve(), done: () => undefined };
    const queues = this.levels.get(c.priorityLevel) as LevelQueues;
    const full = level.limitResponse === 'reject' ? this.executing + this.queued >= this.options.seats : queues.length(c.flow) >= this.options.queueLengthLimit;
    if (full) {
      this.metrics.rejected(c, level.limitResponse === 'reject' ? 'concurrency-limit' : 'queue-full');
      throw new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: this.options.retryAfterSeconds });
    }
    let start!: () => void;
    const ready = new Promise<void>((resolve) => (start = resolve));
    const w: Waiter = { c, enqueued: this.rt.now(), state: 'queued', start };
    queues.push(w);
    this.queued++;
    this.metrics.enqueued(c);
    this.scheduleDispatch();
    return { ready, done: () => this.finish(w) };
  }

  private finish(w: Waiter): void {
    if (w.state === 'queued') {
      (this.levels.get(w.c.priorityLevel) as LevelQueues).remove(w);
      this.queued--;
      this.metrics.cancelled(w.c);
    } else if (w.state === 'executing') {
      this.executing--;
      this.metrics.finished(w.c);
      if (this.queued > 0) this.scheduleDispatch();
    }
    w.state = 'done';
  }

  private scheduleDispatch(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    this.rt.defer(() => this.dispatch());
  }

  /** Starts waiters: any that waited maxWaitMs first, then by level while seats are free. */
  private dispatch(): void {
    this.dispatchPending = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const now = this.rt.now();
    for (;;) {
      const aged = this.oldest();
      let next: Waiter | undefined;
      if (aged && now - aged.enqueued >= this.options.maxWaitMs) {
        (this.levels.get(aged.c.priorityLevel) as LevelQueues).remove(aged);
        next = aged;
      } else if (this.executing < this.options.seats) {
        next = this.highest();
      }
      if (!next) break;
      this.queued--;
      this.executing++;
      next.state = 'executing';
      this.metrics.started(next.c, (now - next.enqueued) / 1000);
      next.start();
    }
    const oldest = this.oldest();
    if (oldest) this.cancelTimer = this.rt.setTimer(() => this.scheduleDispatch(), Math.max(1, oldest.enqueued + this.options.maxWaitMs - now));
  }

  private highest(): Waiter | undefined {
    for (const q of this.levels.values()) {
      if (q.size > 0) return q.shift();
    }
    return undefined;
  }

  private oldest(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const q of this.levels.values()) {
      const h = q.size > 0 ? q.oldest() : undefined;
      if (h && (!best || h.enqueued < best.enqueued)) best = h;
    }
    return best;
  }
}
