/**
 * Server CPU per create and per update under 16 clients, for A/B comparisons on a loaded machine
 * (CPU time per write varies far less with load than throughput does). Starts the server of the
 * tree given by --root (default: this one), warms both paths up (JIT), then measures.
 * Usage: node --import tsx bench/apiserver/cpu-per-write.ts [--root DIR] [--writes N] [--prof DIR]
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadOrCreatePki } from '../../src/cluster/pki/index.js';

const { values: args } = parseArgs({ options: { root: { type: 'string' }, writes: { type: 'string' }, prof: { type: 'string' }, clients: { type: 'string' } } });
const root = resolve(args.root ?? new URL('../..', import.meta.url).pathname);
const writes = Number(args.writes ?? 3000);
const clients = Number(args.clients ?? 16);

/** CPU time (user + system, ms) of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number, part: 'all' | 'sys' = 'all'): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (part === 'sys' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12])) * 10;
}

const nodeArgs = args.prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.prof)}`] : [];
const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'bench/apiserver/server-process.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise<{ url: string; dataDir: string; pid: number }>((res, rej) => {
  createInterface({ input: child.stdout }).once('line', (l) => res(JSON.parse(l) as { url: string; dataDir: string; pid: number }));
  child.once('exit', (c) => rej(new Error(`server exited with ${c}`)));
});
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
// Warm-up of both paths, so JIT compilation (which runs on the server's own threads) is not measured.
await creates('warm');
await updates('warm', per);
let cpu0 = cpuMs(info.pid);
const sys0 = cpuMs(info.pid, 'sys');
await creates('m');
const perCreate = (cpuMs(info.pid) - cpu0) / (per * clients);
const sysPerCreate = (cpuMs(info.pid, 'sys') - sys0) / (per * clients);
cpu0 = cpuMs(info.pid);
await updates('m', per);
const perUpdate = (cpuMs(info.pid) - cpu0) / (per * clients);
await agent.close();
await new Promise<void>((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); });
rmSync(info.dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ root, cpuPerCreateMs: +perCreate.toFixed(3), sysPerCreateMs: +sysPerCreate.toFixed(3), cpuPerUpdateMs: +perUpdate.toFixed(3) }));
