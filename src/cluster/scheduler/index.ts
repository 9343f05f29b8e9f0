/** The scheduler's pure core; the loop that watches pods and binds them lives in scheduler.ts. */
export { schedule, filterNode, effectiveTaints, unschedulableMessage, type Decision } from './schedule.js';
export { podRequests, insufficient } from './resources.js';
export type { Pod, Node } from './types.js';
