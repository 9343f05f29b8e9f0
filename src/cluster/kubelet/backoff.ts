/**
 * kubelet's back-offs: container restarts (10 s after the first failure, doubling up to 5 min,
 * reset once a container has run 10 min without failing) and volume operations (500 ms, doubling
 * up to 2m2s). Pure: the caller passes the clock.
 */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

/** The wait before restart number `restarts + 1` (restarts already done). */
export function backoffDelay(restarts: number): number {
  if (restarts <= 0) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(restarts - 1, 10));
}

/** Whether a container that exited may restart at `now`, and if not how long to wait. */
export function restartDecision(restarts: number, lastStartMs: number, lastExitMs: number, now: number): { restartNow: boolean; waitMs: number } {
  const ranLongEnough = lastExitMs - lastStartMs >= BACKOFF_RESET_MS;
  const delay = ranLongEnough ? 0 : backoffDelay(restarts);
  const waitMs = Math.max(0, lastExitMs + delay - now);
  return { restartNow: waitMs === 0, waitMs };
}

/** Whether a container that exited with `exitCode` is restarted under the pod's restartPolicy. */
export function shouldRestart(policy: 'Always' | 'OnFailure' | 'Never' | undefined, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

/** kubelet's volume operation back-off (nestedpendingoperations' exponentialBackoff): first wait, cap. */
export const VOLUME_BACKOFF_INITIAL_MS = 500;
export const VOLUME_BACKOFF_MAX_MS = 122_000;

/**
 * Per key (one pod's volume set-up), when a failed operation may run again: the first failure
 * waits the initial delay, each further one doubles it up to the cap; a success forgets the key.
 */
export class OperationBackoff {
  private readonly failures = new Map<string, { readonly lastErrorMs: number; readonly waitMs: number }>();

  constructor(private readonly initialMs = VOLUME_BACKOFF_INITIAL_MS, private readonly maxMs = VOLUME_BACKOFF_MAX_MS) {}

  /** How long `key` must still wait at `now` before it is retried (0: retry now). */
  remaining(key: string, now: number): number {
    const f = this.failures.get(key);
    return f ? Math.max(0, f.lastErrorMs + f.waitMs - now) : 0;
  }

  /** Records a failure of `key` at `now`; returns the wait before the next try. */
  failed(key: string, now: number): number {
    const prev = this.failures.get(key)?.waitMs;
    const waitMs = prev === undefined ? this.initialMs : Math.min(this.maxMs, prev * 2);
    this.failures.set(key, { lastErrorMs: now, waitMs });
    return waitMs;
  }

  /** Forgets `key` (its operation succeeded, or its pod is gone). */
  reset(key: string): void {
    this.failures.delete(key);
  }
}
