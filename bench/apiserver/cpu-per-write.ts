/**
 * Server CPU per create and per update under 16 clients, for A/B comparisons on a loaded machine
 * (CPU time per write varies far less with load than throughput does). Starts the server of the
 * tree given by --root (default: this one), built (its dist/, as `up` runs it) or with --source
 * through tsx, warms both paths up (JIT), then measures.
 * Usage: node --import tsx bench/apiserver/cpu-per-write.ts [--root DIR] [--source] [--node-arg FLAG]... [--writes N] [--rounds N] [--prof DIR]
 * Prints the median over rounds of CPU per create/update, each round's figures, and the warm-up's (cold) CPU per create.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadOrCreatePki } from '../../src/cluster/pki/index.js';
import { startServerProcess } from './spawn-server.js';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string' },
    writes: { type: 'string' },
    prof: { type: 'string' },
    clients: { type: 'string' },
    source: { type: 'boolean' },
    rounds: { type: 'string' },
    'server-log': { type: 'string' },
    'node-arg': { type: 'string', multiple: true },
  },
});
const root = resolve(args.root ?? new URL('../..', import.meta.url).pathname);
const writes = Number(args.writes ?? 3000);
const clients = Number(args.clients ?? 16);
const rounds = Number(args.rounds ?? 1);

/** CPU time (user + system, ms) of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number, part: 'all' | 'sys' = 'all'): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (part === 'sys' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12])) * 10;
}

const nodeArgs = [...(args['node-arg'] ?? []), ...(args.prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.prof)}`] : [])];
const { info, stop } = await startServerProcess({ root, source: args.source, nodeArgs, log: args['server-log'] });
console.error(`server pid ${info.pid}`);
const pki = await loadOrCreatePki(join(info.dataDir, 'pki'));
const agent = new Agent({ connections: 64, pipelining: 1, connect: { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem } });
async function req(method: string, path: string, body: unknown, want: number): Promise<Record<string, unknown>> {
  const res = await request(`${info.url}${path}`, { method: method as 'GET', dispatcher: agent, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode !== want) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}
await req('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } }, 201);
const per = Math.ceil(writes / clients);
const creates = (prefix: string) =>
  Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < per; i++) await req('POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `${prefix}-${c}-${i}` }, data: { i: String(i) } }, 201);
  }));
/** Each client replaces its own object `rounds` times, sending back what the server last answered. */
const updates = (prefix: string, rounds: number) =>
  Promise.all(Array.from({ length: clients }, async (_, c) => {
    let obj = await req('GET', `/api/v1/namespaces/bench/configmaps/${prefix}-${c}-0`, undefined, 200);
    for (let i = 0; i < rounds; i++) obj = await req('PUT', `/api/v1/namespaces/bench/configmaps/${prefix}-${c}-0`, { ...obj, data: { i: String(i + 1) } }, 200);
  }));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
// Warm-up of both paths, so JIT compilation (which runs on the server's own threads) is not measured;
// its own cost is reported as the cold figure (what a benchmark without warm-up pays).
let cpu0 = cpuMs(info.pid);
await creates('warm');
const coldCreate = (cpuMs(info.pid) - cpu0) / (per * clients);
await updates('warm', per);
const perCreate: number[] = [];
const sysPerCreate: number[] = [];
const perUpdate: number[] = [];
for (let round = 0; round < rounds; round++) {
  cpu0 = cpuMs(info.pid);
  const sys0 = cpuMs(info.pid, 'sys');
  await creates(`m${round}`);
  perCreate.push((cpuMs(info.pid) - cpu0) / (per * clients));
  sysPerCreate.push((cpuMs(info.pid, 'sys') - sys0) / (per * clients));
  cpu0 = cpuMs(info.pid);
  await updates(`m${round}`, per);
  perUpdate.push((cpuMs(info.pid) - cpu0) / (per * clients));
}
await agent.close();
await stop();
rmSync(info.dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ root, source: args.source === true, nodeArgs: args['node-arg'] ?? [], coldCpuPerCreateMs: +coldCreate.toFixed(3), cpuPerCreateMs: +median(perCreate).toFixed(3), sysPerCreateMs: +median(sysPerCreate).toFixed(3), cpuPerUpdateMs: +median(perUpdate).toFixed(3), rounds: perCreate.map((c, i) => `${c.toFixed(3)}/${(perUpdate[i] ?? 0).toFixed(3)}`) }));
