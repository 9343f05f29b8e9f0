/** Request metrics of the embedded API server (/metrics) and a reader for them. */
export { RequestMetrics, durationBuckets } from './registry.js';
export { requestLabels, scopeOf, verbOf, type RequestLabels } from './labels.js';
export { fetchMetricsText, fetchRequestCountsByVerb, requestCountsByVerb, type RequestFilter } from './read.js';
