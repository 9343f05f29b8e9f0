/**
 * When to checkpoint the WAL, and how (pure). Checkpoints run in a worker thread, never on the
 * event loop: PASSIVE passes every few hundred commits keep the un-copied tail short; a PASSIVE pass
 * in a quiet moment (no commit for a while) copies everything, so SQLite restarts the WAL from its
 * start on the next commit; only a WAL past a hard limit (a burst with no quiet moment for tens of
 * seconds) gets a RESTART checkpoint, which makes writers wait for the last frames' copy and fsync.
 */

/** What the store knows about its WAL. */
export interface WalState {
  /** Commits since the last checkpoint was requested. */
  readonly commitsSinceRequest: number;
  /** WAL length (frames) seen by the last checkpoint pass. */
  readonly walFrames: number;
  /** Whether the last pass copied every frame (and no commit came since). */
  readonly backfilled: boolean;
  /** Milliseconds since the last commit. */
  readonly msSinceCommit: number;
}

/** Thresholds of the policy. */
export interface CheckpointLimits {
  /** Commits between two background PASSIVE passes. */
  readonly everyCommits: number;
  /** No commit for this long counts as a quiet moment. */
  readonly quietMs: number;
  /** WAL length (frames) past which a RESTART checkpoint bounds it even during a burst. */
  readonly restartFrames: number;
  /**
   * WAL length (frames) past which, right after a complete worker pass, the event loop copies the
   * few frames committed during that pass itself, so the next commit restarts the WAL from its start.
   */
  readonly rewindFrames: number;
}

/**
 * A commit writes about three pages: 256 commits ~ 770 frames; 60,000 frames ~ 240 MiB (4 KiB pages),
 * ~40 s of 500 writes/s; 8,000 frames ~ 32 MiB.
 */
export const defaultCheckpointLimits: CheckpointLimits = { everyCommits: 256, quietMs: 100, restartFrames: 60_000, rewindFrames: 8_000 };

/**
 * After a worker pass: whether the event loop should copy the WAL's short tail (the frames committed
 * while the pass ran) so the WAL restarts. During a steady stream of writes a worker pass is never the
 * last word (commits land while it runs), so without this the WAL grows until the RESTART limit,
 * whose copy and fsync stall writers for hundreds of ms; the tail is a few dozen commits (a few ms).
 */
export function rewindAfterPass(pass: { readonly complete: boolean; readonly walFrames: number; readonly commitsDuring: number }, limits: CheckpointLimits = defaultCheckpointLimits): boolean {
  return pass.complete && pass.commitsDuring > 0 && pass.walFrames > limits.rewindFrames;
}

/** The checkpoint to request now, if any. */
export function nextCheckpoint(s: WalState, limits: CheckpointLimits = defaultCheckpointLimits): 'PASSIVE' | 'RESTART' | undefined {
  if (s.walFrames > limits.restartFrames && s.commitsSinceRequest > 0) return 'RESTART';
  if (s.commitsSinceRequest >= limits.everyCommits) return 'PASSIVE';
  if (!s.backfilled && s.msSinceCommit >= limits.quietMs) return 'PASSIVE';
  return undefined;
}
