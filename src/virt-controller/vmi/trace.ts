/**
 * A debug trace of the VMI controller's path from a VMI's ADDED event to its launcher pod and
 * first status write: when KUBEVIRT_TS_VMI_TRACE names a file, one JSON line per VMI (epoch ms
 * of each step) is appended to it once its first status write is done. Off (no cost) otherwise.
 */
import { appendFileSync } from 'node:fs';

/** The steps traced, in the order they happen. */
export type TraceStep = 'added' | 'start' | 'podPosted' | 'statusWritten';

export interface VMITrace {
  mark(key: string, step: TraceStep): void;
}

const OFF: VMITrace = { mark: () => undefined };

/** Keeps at most this many VMIs in flight in the trace (a trace is for bursts, not for ever). */
const MAX_TRACED = 10_000;

/** The trace writing to `file` (from the environment by default); a no-op when no file is named. */
export function vmiTrace(file: string | undefined = process.env.KUBEVIRT_TS_VMI_TRACE, now: () => number = Date.now): VMITrace {
  if (!file) return OFF;
  const steps = new Map<string, Partial<Record<TraceStep, number>>>();
  return {
    mark(key, step) {
      let s = steps.get(key);
      if (!s) {
        if (step !== 'added' || steps.size >= MAX_TRACED) return;
        steps.set(key, (s = {}));
      }
      s[step] ??= now();
      if (step === 'statusWritten') {
        steps.delete(key);
        appendFileSync(file, `${JSON.stringify({ key, ...s })}\n`);
      }
    },
  };
}
