/**
 * kubelet's container restart back-off: 10 s after the first failure, doubling up to 5 min,
 * reset once a container has run 10 min without failing. Pure: the caller passes the clock.
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
