/**
 * The benchmark's watchers: N watches of one collection that record when each event arrived.
 * Run as a child process (the default in bench.ts) they timestamp each chunk on arrival and parse
 * nothing until the run ends, so neither the writer nor JSON parsing delays a timestamp; in
 * process with `parseOnArrival` they reproduce the older measurement (parse, then timestamp).
 * Latency = arrival - the write's send time, which the writer carries in the object (data.t).
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { loadOrCreatePki } from '../../src/cluster/pki/index.js';
import type { TimedPause } from './server-diag.js';

/** Where and how to watch. */
export interface WatchConfig {
  readonly url: string;
  readonly dataDir: string;
  /** Collection path, e.g. /api/v1/namespaces/watched/configmaps */
  readonly path: string;
  readonly resourceVersion: string;
  readonly watchers: number;
  readonly parseOnArrival?: boolean;
}

/** What the watchers measured: one latency per event with its send time, and the process's own stalls. */
export interface WatchResult {
  readonly received: number;
  readonly latencies: number[];
  readonly sentAt: number[];
  readonly loopDelayMax: number;
  readonly stalls: TimedPause[];
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/** Opens the watches; `finish` waits until `expected` events per watcher arrived (or the deadline), then measures. */
export async function openWatchers(cfg: WatchConfig): Promise<{ finish(expected: number, deadline: number): Promise<WatchResult> }> {
  const pki = await loadOrCreatePki(join(cfg.dataDir, 'pki'));
  const agent = new Agent({ connections: cfg.watchers + 4, connect: { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem } });
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const stalls: TimedPause[] = [];
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    if (now - last > 30) stalls.push({ at: performance.timeOrigin + last + 10, ms: now - last - 10 });
    last = now;
  }, 10);
  const aborts: AbortController[] = [];
  /** Per watcher: [arrival epoch ms, chunk] in order; or, parsing on arrival, [arrival, send time] per event. */
  const chunks: [number, Buffer][][] = [];
  const inline = { latencies: [] as number[], sentAt: [] as number[] };
  const lines: number[] = [];
  for (let w = 0; w < cfg.watchers; w++) {
    const ac = new AbortController();
    aborts.push(ac);
    const res = await request(`${cfg.url}${cfg.path}?watch=true&resourceVersion=${cfg.resourceVersion}`, { dispatcher: agent, signal: ac.signal });
    const mine: [number, Buffer][] = [];
    chunks.push(mine);
    lines.push(0);
    let buf = '';
    res.body.on('data', (chunk: Buffer) => {
      if (!cfg.parseOnArrival) {
        mine.push([epochNow(), chunk]);
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines[w] = (lines[w] ?? 0) + 1;
        return;
      }
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const t = sendTime(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (t) {
          inline.latencies.push(epochNow() - t);
          inline.sentAt.push(t);
        }
        lines[w] = (lines[w] ?? 0) + 1;
      }
    });
    res.body.on('error', () => undefined);
  }
  return {
    async finish(expected, deadline) {
      while (lines.some((n) => n < expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      clearInterval(tick);
      eld.disable();
      for (const a of aborts) a.abort();
      await agent.destroy();
      const received = lines.reduce((a, b) => a + b, 0);
      const base = { received, loopDelayMax: eld.max / 1e6, stalls };
      if (cfg.parseOnArrival) return { ...base, ...inline };
      const latencies: number[] = [];
      const sentAt: number[] = [];
      for (const mine of chunks) {
        let rest = '';
        for (const [arrived, chunk] of mine) {
          const text = rest + chunk.toString();
          const parts = text.split('\n');
          rest = parts.pop() ?? '';
          for (const line of parts) {
            const t = sendTime(line);
            if (!t) continue;
            latencies.push(arrived - t);
            sentAt.push(t);
          }
        }
      }
      return { ...base, latencies, sentAt };
    },
  };
}

/** The writer's send time carried in a watch event line (data.t), or 0 (bookmarks, other objects). */
function sendTime(line: string): number {
  const ev = JSON.parse(line) as { object?: { data?: { t?: string } } };
  return Number(ev.object?.data?.t ?? 0);
}

// As a child process: {cmd: 'open', cfg} -> 'opened'; {cmd: 'finish', expected, deadline} -> WatchResult.
if (process.send && process.argv[1]?.endsWith('watch-client.ts')) {
  process.on('disconnect', () => process.exit(0));
  let watchers: Awaited<ReturnType<typeof openWatchers>> | undefined;
  process.on('message', (m: { cmd: string; cfg?: WatchConfig; expected?: number; deadline?: number }) => {
    void (async () => {
      if (m.cmd === 'open' && m.cfg) {
        watchers = await openWatchers(m.cfg);
        process.send?.('opened');
      } else if (m.cmd === 'finish' && watchers) {
        const r = await watchers.finish(m.expected ?? 0, m.deadline ?? Date.now());
        process.send?.(r, () => process.exit(0));
      }
    })();
  });
}
