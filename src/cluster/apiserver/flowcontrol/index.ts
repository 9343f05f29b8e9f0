/** API Priority and Fairness, simplified for a single-threaded API server (see docs/adr/0008). */
export { classify, isLongRunning, type Classification } from './classify.js';
export { FlowControl, DEFAULT_FLOW_CONTROL, type Admission, type DispatcherRuntime, type FlowControlOptions } from './dispatcher.js';
export { awaitTurn } from './gate.js';
export { flowControlOptionsFromEnv } from './options.js';
export { PRIORITY_LEVELS, priorityLevel, type PriorityLevel, type PriorityLevelName } from './levels.js';
