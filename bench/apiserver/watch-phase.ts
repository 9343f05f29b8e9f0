/**
 * The benchmark's watch phase: 20 watchers (by default in their own process) stream a collection
 * while the writer creates objects at 500/s, each carrying its send time: a first second that warms
 * the fan-out path up (reported apart), then the 2,000 measured writes (40,000 events). With a server
 * started with diagnostics it also reports the server's event-loop delay, GC pauses and WAL
 * checkpoints, and attributes each latency episode over 50 ms to what overlapped it.
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ServerDiag, TimedPause } from './server-diag.js';
import type { ServerProcess } from './spawn-server.js';
import { openWatchers, type WatchConfig, type WatchResult } from './watch-client.js';

/** A POST to the server (the bench's admin client). */
export type Post = (path: string, body: unknown) => Promise<unknown>;

/** Rows for the results table, plus one line per slow episode. */
export interface WatchPhaseReport {
  readonly rows: [string, string][];
  readonly episodes: string[];
}

/** p-th percentile (nearest rank) of xs. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const childWatchers = async (cfg: WatchConfig): Promise<{ finish(expected: number, deadline: number): Promise<WatchResult> }> => {
  const child = fork(new URL('./watch-client.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(): Promise<T> => new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (c) => reject(new Error(`watch client exited with ${c}`)));
  });
  const opened = next<string>();
  child.send({ cmd: 'open', cfg });
  await opened;
  return {
    finish: async (expected, deadline) => {
      const r = next<WatchResult>();
      child.send({ cmd: 'finish', expected, deadline });
      return r;
    },
  };
};

/** Runs the phase against `server` (created with diag for the server-side figures). */
export async function runWatchPhase(server: ServerProcess, post: Post, rv: string, opts: { inprocWatchers?: boolean; diag: boolean }): Promise<WatchPhaseReport> {
  // The first second (500 writes) warms the fan-out path up (JIT) and is reported apart as the cold start.
  const warm = 500;
  const writes = warm + 2000;
  const watchers = 20;
  const cfg: WatchConfig = { url: server.info.url, dataDir: server.info.dataDir, path: '/api/v1/namespaces/watched/configmaps', resourceVersion: rv, watchers, parseOnArrival: opts.inprocWatchers };
  const w = opts.inprocWatchers ? await openWatchers(cfg) : await childWatchers(cfg);
  if (opts.diag) await server.diag(true);
  const writerLoop = monitorEventLoopDelay({ resolution: 10 });
  writerLoop.enable();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < writes; i++) {
    const due = start + (i * 1000) / 500;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post('/api/v1/namespaces/watched/configmaps', { metadata: { name: `w${i}` }, data: { t: String(performance.timeOrigin + performance.now()) } }));
  }
  await Promise.all(inflight);
  const achieved = writes / ((performance.now() - start) / 1000);
  writerLoop.disable();
  const r = await w.finish(writes, Date.now() + 10_000);
  const d = opts.diag ? await server.diag(false) : undefined;
  const steadyFrom = performance.timeOrigin + start + (warm * 1000) / 500;
  const steady = r.latencies.filter((_, i) => (r.sentAt[i] ?? 0) >= steadyFrom);
  const cold = r.latencies.filter((_, i) => (r.sentAt[i] ?? 0) < steadyFrom);
  const rows: [string, string][] = [
    ['watch writes/s achieved', achieved.toFixed(0)],
    ['watch events delivered (20 watchers)', `${r.received} / ${writes * watchers}`],
    ['watch latency p50 (ms)', percentile(steady, 50).toFixed(1)],
    ['watch latency p99 (ms)', percentile(steady, 99).toFixed(1)],
    ['watch latency max (ms)', Math.max(...steady).toFixed(1)],
    ['watch latency p99 of the first second (ms, cold: not in the figures above)', percentile(cold, 99).toFixed(1)],
    [`watchers' event loop max delay (ms, ${opts.inprocWatchers ? 'in the writer process' : 'own process'})`, r.loopDelayMax.toFixed(1)],
    ["writer's event loop max delay (ms)", (writerLoop.max / 1e6).toFixed(1)],
  ];
  if (d) rows.push(...serverRows(d));
  return { rows, episodes: episodes(r, d, start) };
}

function serverRows(d: ServerDiag): [string, string][] {
  const major = d.gcs.filter((g) => g.kind === 'major');
  const main = d.checkpoints.filter((c) => c.where === 'main');
  const worker = d.checkpoints.filter((c) => c.where === 'worker');
  const max = (xs: readonly TimedPause[]): string => (xs.length ? Math.max(...xs.map((x) => x.ms)).toFixed(1) : '-');
  const sum = (xs: readonly TimedPause[]): number => xs.reduce((a, x) => a + x.ms, 0);
  return [
    ['server event loop delay max / p99 (ms)', `${d.loopDelay.max.toFixed(1)} / ${d.loopDelay.p99.toFixed(1)}`],
    ['server GC pauses: count, total, max (ms)', `${d.gcs.length}, ${sum(d.gcs).toFixed(0)}, ${max(d.gcs)}`],
    ['server major GCs: count, max (ms)', `${major.length}, ${max(major)}`],
    ['server checkpoints on the event loop: count, max (ms)', d.checkpointFailure ? `every ~330 commits, inside them (worker failed: ${d.checkpointFailure.slice(0, 60)})` : `${main.length}, ${max(main)}`],
    ['server checkpoints in the worker: count (RESTART), max (ms), max WAL frames', `${worker.length} (${worker.filter((c) => c.mode === 'RESTART').length}), ${max(worker)}, ${Math.max(0, ...worker.map((c) => c.walFrames))}`],
    ['server heap used after the phase (MiB)', d.heapUsedMiB.toFixed(0)],
  ];
}

/** Groups events slower than 50 ms into episodes and lists what overlapped each (times relative to the phase start). */
function episodes(r: WatchResult, d: ServerDiag | undefined, start: number): string[] {
  const t0 = performance.timeOrigin + start;
  const slow = r.latencies.map((l, i) => ({ at: r.sentAt[i] ?? 0, l })).filter((e) => e.l > 50).sort((a, b) => a.at - b.at);
  const out: string[] = [];
  let cur: { from: number; to: number; worst: number; n: number } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const c = cur;
    const over = (xs: readonly TimedPause[] | undefined): string =>
      (xs ?? []).filter((x) => x.at <= c.to && x.at + x.ms >= c.from - 50).map((x) => `${x.kind ? `${x.kind} ` : ''}${x.ms.toFixed(0)}ms@+${(x.at - t0).toFixed(0)}`).join(' ') || '-';
    out.push(
      `slow episode +${(c.from - t0).toFixed(0)}..+${(c.to - t0).toFixed(0)} ms: ${c.n} events, worst ${c.worst.toFixed(0)} ms;` +
        ` server stalls: ${over(d?.stalls)}; GCs over 5 ms: ${over(d?.gcs.filter((g) => g.ms > 5))};` +
        ` main-thread checkpoints: ${over(d?.checkpoints.filter((x) => x.where === 'main'))}; watcher stalls: ${over(r.stalls)}`,
    );
  };
  for (const e of slow) {
    if (cur && e.at <= cur.to) {
      cur.to = Math.max(cur.to, e.at + e.l);
      cur.worst = Math.max(cur.worst, e.l);
      cur.n++;
    } else {
      flush();
      cur = { from: e.at, to: e.at + e.l, worst: e.l, n: 1 };
    }
  }
  flush();
  return out;
}
