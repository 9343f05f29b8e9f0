/**
 * The priority levels of the embedded API server's flow control, named and described as
 * kube-apiserver's bootstrap PriorityLevelConfigurations, with the rank this single-threaded
 * server dispatches them in (lower rank first) instead of upstream's concurrency shares.
 */

/** Names of the built-in priority levels (upstream's mandatory and suggested ones). */
export type PriorityLevelName =
  | 'exempt'
  | 'leader-election'
  | 'node-high'
  | 'system'
  | 'workload-high'
  | 'global-default'
  | 'workload-low'
  | 'catch-all';

/** One priority level: its dispatch rank and what happens when it cannot be served at once. */
export interface PriorityLevel {
  readonly name: PriorityLevelName;
  /** Dispatch order among queued requests: 0 first. `exempt` never queues. */
  readonly rank: number;
  /** `queue`: wait for a seat (429 when the flow's queue is full); `reject`: 429 unless a seat is free now. */
  readonly limitResponse: 'exempt' | 'queue' | 'reject';
}

/**
 * The levels in dispatch order. Liveness first (leases, node health), then kubelet-like node
 * agents, then the platform's own controllers, then everything else; best-effort writes last.
 */
export const PRIORITY_LEVELS: readonly PriorityLevel[] = [
  { name: 'exempt', rank: 0, limitResponse: 'exempt' },
  { name: 'leader-election', rank: 1, limitResponse: 'queue' },
  { name: 'node-high', rank: 2, limitResponse: 'queue' },
  { name: 'system', rank: 3, limitResponse: 'queue' },
  { name: 'workload-high', rank: 4, limitResponse: 'queue' },
  { name: 'global-default', rank: 5, limitResponse: 'queue' },
  { name: 'workload-low', rank: 6, limitResponse: 'queue' },
  { name: 'catch-all', rank: 7, limitResponse: 'reject' },
];

const byName = new Map(PRIORITY_LEVELS.map((l) => [l.name, l]));

/** The level called `name`. */
export function priorityLevel(name: PriorityLevelName): PriorityLevel {
  return byName.get(name) as PriorityLevel;
}
