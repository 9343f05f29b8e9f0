/**
 * Diagnostics the benchmark installs in the API server process it spawns (never in `up`): the
 * event loop's delay (perf_hooks histogram plus a list of stalls with their times), GC pauses, and
 * the store's recent WAL checkpoints, reported over the child's IPC channel on request.
 */

/** A stall of the server's event loop or a GC pause: when it started (epoch ms) and how long it took. */
export interface TimedPause {
  readonly at: number;
  readonly ms: number;
  readonly kind?: string;
}

/** What the server reports for the span since the previous reset. */
export interface ServerDiag {
  /** monitorEventLoopDelay over the span (ms). */
  readonly loopDelay: { readonly max: number; readonly p99: number; readonly mean: number };
  /** Event-loop stalls over 20 ms, seen by a 10 ms timer. */
  readonly stalls: readonly TimedPause[];
  readonly gcs: readonly TimedPause[];
  /** WAL checkpoints (`where` main = on the event loop). */
  readonly checkpoints: readonly (TimedPause & { readonly where: string; readonly mode?: string; readonly walFrames: number })[];
  /** Why the store's checkpoint worker cannot run (it then checkpoints inside commits, on the event loop). */
  readonly checkpointFailure?: string;
  readonly heapUsedMiB: number;
}

/**
 * JavaScript run in the server process after `server` (a RunningApiServer) is defined. It answers
 * the message {cmd: 'diag', reset} with a ServerDiag, and stops when the benchmark goes away (IPC
 * disconnect). Costs: a 10 ms timer and a GC observer.
 */
export const serverDiagSource = `
const { monitorEventLoopDelay, PerformanceObserver, constants: pc } = await import('node:perf_hooks');
const gcKinds = { [pc.NODE_PERFORMANCE_GC_MAJOR]: 'major', [pc.NODE_PERFORMANCE_GC_MINOR]: 'minor', [pc.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [pc.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
let gcs = [], stalls = [], since = Date.now();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind: gcKinds[e.detail?.kind] ?? String(e.detail?.kind) });
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 30) stalls.push({ at: performance.timeOrigin + last + 10, ms: now - last - 10 });
  last = now;
}, 10).unref();
process.on('disconnect', () => { void server.stop().then(() => process.exit(0)); });
process.on('message', (m) => {
  if (!m || m.cmd !== 'diag') return;
  const cp = server.deps.store.checkpoints?.() ?? { recent: [], failure: 'no checkpoint diagnostics in this server' };
  const checkpoints = cp.recent.filter((c) => c.at >= since);
  process.send({
    loopDelay: { max: eld.max / 1e6, p99: eld.percentile(99) / 1e6, mean: eld.mean / 1e6 },
    stalls, gcs, checkpoints, checkpointFailure: cp.failure, heapUsedMiB: process.memoryUsage().heapUsed / 1048576,
  });
  if (m.reset) { eld.reset(); gcs = []; stalls = []; since = Date.now(); }
});
`;
