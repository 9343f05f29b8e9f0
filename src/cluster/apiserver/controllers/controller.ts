/**
 * Shared plumbing of in-server controllers: a keyed queue fed by store events, and the caller
 * identity controllers write as.
 */
import type { Caller, RestDeps } from '../rest/context.js';
import { systemUser } from '../rest/context.js';
import type { StoreEvent } from '../store/store.js';
import { KeyedQueue } from './queue.js';

/** A started controller. */
export interface RunningController {
  /** Resolves when the controller has processed everything queued so far. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Writes by controllers run as the API server itself, never dry-run. */
export const controllerCaller = (manager: string): Caller => ({ user: systemUser, dryRun: false, fieldManager: manager });

/** Starts a controller: `keysOf` maps each store event to keys to reconcile. */
export function runController(
  deps: RestDeps,
  name: string,
  keysOf: (ev: StoreEvent) => readonly string[],
  reconcile: (key: string) => Promise<void> | void,
  initialKeys: readonly string[] = [],
): RunningController & { queue: KeyedQueue } {
  const queue = new KeyedQueue(reconcile, (key, err) => {
    if (process.env.KUBEVIRT_TS_DEBUG) console.error(`${name}: ${key}: ${String((err as Error)?.stack ?? err)}`);
  });
  const unsubscribe = deps.store.subscribe((ev) => {
    for (const k of keysOf(ev)) queue.add(k);
  });
  for (const k of initialKeys) queue.add(k);
  return {
    queue,
    idle: () => queue.idle(),
    stop: async () => {
      unsubscribe();
      await queue.stop();
    },
  };
}
