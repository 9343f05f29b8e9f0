/**
 * API server benchmark: creates/s and updates/s with 1 and 16 clients, watch delivery latency
 * (p50/p99) to 20 watchers at 500 writes/s, LIST of 10,000 objects, server RSS, and the server's
 * CPU time per create (a measure that varies far less with machine load than throughput does).
 * The create/update figures are steady state: a warm-up of 4,000 creates and updates by 16 clients
 * (not measured) runs first, so V8's compilation of the hot path is not billed to the measured
 * phases; the warm-up's own figures are reported as the cold start.
 * The server is the built one (dist/, as `kubevirt-ts up` runs it: `npm run build` first); --source
 * runs src/ through tsx instead. The watchers run in their own process (watch-client.ts) and the
 * server reports its event-loop delay, GC pauses and checkpoints (server-diag.ts) for the watch phase.
 * Usage: node --import tsx bench/apiserver/bench.ts [--root DIR] [--source] [--node-arg FLAG]... [--watch-only]
 * [--inproc-watchers] (the older measurement: watchers parse in the writer's process)
 * Prints a Markdown table, then one line per slow watch episode (> 50 ms) with what overlapped it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadOrCreatePki } from '../../src/cluster/pki/index.js';
import { startServerProcess } from './spawn-server.js';
import { percentile, runWatchPhase } from './watch-phase.js';

const { values: args } = parseArgs({
  options: { source: { type: 'boolean' }, 'node-arg': { type: 'string', multiple: true }, 'inproc-watchers': { type: 'boolean' }, 'watch-only': { type: 'boolean' }, root: { type: 'string' } },
});
const root = args.root ?? new URL('../..', import.meta.url).pathname;

/** CPU time (user + system, ms) the process has used so far, from /proc (Linux clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const server = await startServerProcess({ root, source: args.source, nodeArgs: args['node-arg'], diag: true });
  const { info } = server;
  const pki = await loadOrCreatePki(join(info.dataDir, 'pki'));
  const agent = new Agent({ connections: 64, pipelining: 1, connect: { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem } });
  const req = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await request(`${info.url}${path}`, {
      method: method as 'GET',
      dispatcher: agent,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const results: [string, string][] = [];
  const finish = async (notes: string[]): Promise<void> => {
    await agent.close();
    await server.stop();
    rmSync(info.dataDir, { recursive: true, force: true });
    console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
    console.log('| measure | result |\n|---|---|');
    for (const [k, v] of results) console.log(`| ${k} | ${v} |`);
    for (const n of notes) console.log(n);
  };
  await req('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });

  // creates/s and updates/s: a cold warm-up (reported as such), then the measured phases
  for (const [clients, phase] of (args['watch-only'] ? [[16, 'warm-up']] : [[16, 'warm-up'], [1, ''], [16, '']]) as [number, string][]) {
    const perClient = phase ? 250 : clients === 1 ? 500 : 250;
    const label = (what: string): string => `${what}, ${clients} client${clients > 1 ? 's' : ''}${phase ? ` (${phase}: cold, first requests)` : ''}`;
    let t0 = performance.now();
    const cpu0 = cpuMs(info.pid);
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; i < perClient; i++) {
          const r = await req('POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `c${clients}${phase}-${c}-${i}` }, data: { i: String(i) } });
          if (r.status !== 201) throw new Error(`create failed: ${r.status}`);
        }
      }),
    );
    const creates = (clients * perClient) / ((performance.now() - t0) / 1000);
    const cpuPerCreate = (cpuMs(info.pid) - cpu0) / (clients * perClient);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let obj = (await req('GET', `/api/v1/namespaces/bench/configmaps/c${clients}${phase}-${c}-0`)).json;
        for (let i = 0; i < perClient; i++) {
          const r = await req('PUT', `/api/v1/namespaces/bench/configmaps/c${clients}${phase}-${c}-0`, { ...obj, data: { i: String(i + 1) } });
          if (r.status !== 200) throw new Error(`update failed: ${r.status}`);
          obj = r.json;
        }
      }),
    );
    const updates = (clients * perClient) / ((performance.now() - t0) / 1000);
    results.push([label('creates/s'), creates.toFixed(0)]);
    // Server CPU per create varies far less with machine load than throughput does.
    results.push([label('server CPU per create (ms)'), cpuPerCreate.toFixed(2)]);
    results.push([label('updates/s'), updates.toFixed(0)]);
  }

  // watch latency: 20 watchers, 500 writes/s for 4 s
  await req('POST', '/api/v1/namespaces', { metadata: { name: 'watched' } });
  const rv = ((await req('GET', '/api/v1/namespaces/watched/configmaps')).json.metadata as { resourceVersion: string }).resourceVersion;
  const watch = await runWatchPhase(server, (path, body) => req('POST', path, body), rv, { inprocWatchers: args['inproc-watchers'], diag: true });
  results.push(...watch.rows);
  if (args['watch-only']) return finish(watch.episodes);

  // LIST of 10,000 objects
  await req('POST', '/api/v1/namespaces', { metadata: { name: 'listed' } });
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (let i = c; i < 10_000; i += 16) await req('POST', '/api/v1/namespaces/listed/configmaps', { metadata: { name: `l${i}`, labels: { app: 'bench' } }, data: { v: 'x'.repeat(64) } });
    }),
  );
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await req('GET', '/api/v1/namespaces/listed/configmaps?labelSelector=app%3Dbench');
    times.push(performance.now() - t0);
    if ((r.json.items as unknown[]).length !== 10_000) throw new Error('list size');
  }
  results.push(['LIST 10,000 objects (ms, median of 3)', percentile(times, 50).toFixed(0)]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${info.pid}/status`, 'utf8'))?.[1];
  results.push(['server RSS after the run (MiB)', rss ? (Number(rss) / 1024).toFixed(0) : '?']);

  return finish(watch.episodes);
}

await main();
