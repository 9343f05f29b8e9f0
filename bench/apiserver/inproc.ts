/**
 * CPU per create and per update of the REST layer alone (no HTTP, no TLS), in this process, for
 * profiling the create path without the socket-write distortions of a profile under HTTP load.
 * Usage: node --import tsx [--cpu-prof] bench/apiserver/inproc.ts [--writes N] [--rounds N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from '../../src/cluster/apiserver/server.js';
import { defaultModules } from '../../src/cluster/apiserver/wiring.js';
import { createObject, updateObject } from '../../src/cluster/apiserver/rest/write.js';
import type { Caller } from '../../src/cluster/apiserver/rest/context.js';

const { values: args } = parseArgs({ options: { writes: { type: 'string' }, rounds: { type: 'string' } } });
const writes = Number(args.writes ?? 5000);
const rounds = Number(args.rounds ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'kvts-inproc-'));
const server = await startApiServer({ dataDir, port: 0, modules: defaultModules() });
const deps = server.deps;
const r = deps.registry.lookup('', 'v1', 'configmaps')!;
const caller: Caller = { user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] }, dryRun: false, fieldManager: 'bench' };
await createObject(deps, deps.registry.lookup('', 'v1', 'namespaces')!, '', { metadata: { name: 'bench' } }, caller);
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 0; round < rounds; round++) {
  let t0 = cpu();
  for (let i = 0; i < writes; i++) await createObject(deps, r, 'bench', JSON.parse(`{"metadata":{"name":"r${round}-${i}"},"data":{"i":"${i}"}}`), caller, { bodyOwned: true });
  const perCreate = (cpu() - t0) / writes;
  t0 = cpu();
  let obj = await createObject(deps, r, 'bench', { metadata: { name: `u${round}` }, data: { i: '0' } }, caller);
  for (let i = 0; i < writes; i++) obj = await updateObject(deps, r, 'bench', `u${round}`, JSON.parse(JSON.stringify({ ...obj, data: { i: String(i + 1) } })), caller, { bodyOwned: true });
  const perUpdate = (cpu() - t0) / writes;
  console.log(JSON.stringify({ round, cpuPerCreateMs: +perCreate.toFixed(4), cpuPerUpdateMs: +perUpdate.toFixed(4) }));
}
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
