/** Flow-control settings from the environment (for benchmarks and tuning), else the defaults. */
import type { FlowControlOptions } from './dispatcher.js';

/**
 * KUBEVIRT_TS_APF_SEATS (0 turns flow control off) and KUBEVIRT_TS_APF_MAX_WAIT_MS; undefined
 * when flow control is off.
 */
export function flowControlOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FlowControlOptions | undefined {
  const num = (v: string | undefined): number | undefined => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const seats = num(env.KUBEVIRT_TS_APF_SEATS);
  const maxWaitMs = num(env.KUBEVIRT_TS_APF_MAX_WAIT_MS);
  if (seats === 0) return undefined;
  return { ...(seats !== undefined ? { seats } : {}), ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) };
}
