/**
 * The store's own cost per write, without HTTP: creates, then updates, of ~5 kB objects through
 * Store.write, several per event-loop turn (as the server batches them: one SQLite COMMIT per
 * turn), past the watch history's compaction. Reports CPU per write (the whole process, and the
 * main thread alone: the WAL checkpoints run in a worker), the longest turn (a compaction stall
 * shows there) and the database + WAL size at the end.
 * A/B: --root DIR runs the Store of another checkout (its src/, through tsx).
 * Usage: node --import tsx bench/apiserver/store-write.ts [--root DIR] [--n 20000] [--per-turn 8] [--rounds 3] [--objects 2000]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta/index.js';
import type { Store } from '../../src/cluster/apiserver/store/store.js';

const { values: args } = parseArgs({
  options: { root: { type: 'string' }, n: { type: 'string' }, 'per-turn': { type: 'string' }, rounds: { type: 'string' }, objects: { type: 'string' } },
});
const root = resolve(args.root ?? new URL('../..', import.meta.url).pathname);
const n = Number(args.n ?? 20_000);
const perTurn = Number(args['per-turn'] ?? 8);
const rounds = Number(args.rounds ?? 3);
const objects = Number(args.objects ?? 2000);
const { Store: StoreClass } = (await import(join(root, 'src/cluster/apiserver/store/store.ts'))) as { Store: new (path: string) => Store };

/** CPU ms (user + system) of the main thread, from /proc (10 ms ticks). */
function mainThreadMs(): number {
  const f = (readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
const processMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A VMI-sized object (~5 kB of JSON): labels, annotations, managed fields, a spec and a status. */
function object(name: string, gen: number): KubeObject {
  const fields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f:field${i}`, {}]));
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      namespace: 'bench',
      name,
      uid: `00000000-0000-0000-0000-${String(gen).padStart(12, '0')}`,
      labels: { app: 'bench', 'kubevirt.io/nodeName': 'node-1', gen: String(gen) },
      annotations: { 'kubevirt.io/latest-observed-api-version': 'v1', 'kubevirt.io/storage-observed-api-version': 'v1' },
      managedFields: [{ manager: 'virt-controller', operation: 'Update', apiVersion: 'kubevirt.io/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': fields, 'f:status': fields } }],
    },
    spec: {
      domain: { cpu: { cores: 1 }, memory: { guest: '128Mi' }, devices: { disks: Array.from({ length: 8 }, (_, i) => ({ name: `disk${i}`, disk: { bus: 'virtio' } })) } },
      volumes: Array.from({ length: 8 }, (_, i) => ({ name: `disk${i}`, containerDisk: { image: `registry.example/images/disk-${i}:latest` } })),
    },
    status: {
      phase: 'Running',
      generation: gen,
      conditions: Array.from({ length: 6 }, (_, i) => ({ type: `Condition${i}`, status: 'True', lastTransitionTime: '2026-11-27T00:00:00Z', message: 'x'.repeat(180) })),
      interfaces: [{ name: 'default', ipAddress: '10.244.0.10', mac: '52:54:00:12:34:56' }],
    },
  };
}

const gr = { group: 'kubevirt.io', resource: 'virtualmachineinstances' };
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Runs `count` writes, `perTurn` per turn; returns CPU per write (µs) and the longest turn (ms). */
async function phase(count: number, write: (i: number) => void): Promise<{ proc: number; main: number; maxTurnMs: number }> {
  await nextTurn();
  const p0 = processMs();
  const m0 = mainThreadMs();
  let maxTurnMs = 0;
  for (let i = 0; i < count; ) {
    const t0 = performance.now();
    for (let k = 0; k < perTurn && i < count; k++, i++) write(i);
    await nextTurn(); // the batch commits here
    maxTurnMs = Math.max(maxTurnMs, performance.now() - t0);
  }
  return { proc: ((processMs() - p0) * 1000) / count, main: ((mainThreadMs() - m0) * 1000) / count, maxTurnMs };
}

const dir = mkdtempSync(join(tmpdir(), 'store-write-'));
const path = join(dir, 'db.sqlite');
const store = new StoreClass(path);
console.log(`JSON per object: ${JSON.stringify(object('x', 1)).length} bytes; ${perTurn} writes per turn; root ${root}`);
let gen = 0;
let created = 0;
const create = (): void => {
  store.create(gr, object(`vmi-${created++}`, ++gen));
};
const update = (i: number): void => {
  store.guaranteedUpdate(gr, 'bench', `vmi-${i % Math.min(objects, created)}`, (cur) => ({ ...cur, status: { ...(cur.status as object), generation: ++gen } }));
};
// Warm-up (JIT), not measured.
await phase(2000, create);
await phase(2000, update);
const rows: string[] = [];
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const res: Record<'create' | 'update', { proc: number; main: number; maxTurnMs: number }[]> = { create: [], update: [] };
for (let r = 0; r < rounds; r++) {
  res.create.push(await phase(objects, create));
  res.update.push(await phase(n, update));
  rows.push(`round ${r + 1}: create ${res.create.at(-1)?.proc.toFixed(0)} µs (main ${res.create.at(-1)?.main.toFixed(0)}), update ${res.update.at(-1)?.proc.toFixed(0)} µs (main ${res.update.at(-1)?.main.toFixed(0)}), longest turn ${res.update.at(-1)?.maxTurnMs.toFixed(1)} ms`);
}
store.close();
const size = (f: string): number => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};
console.log(rows.join('\n'));
console.log(
  `median CPU per write: create ${med(res.create.map((x) => x.proc)).toFixed(0)} µs (main thread ${med(res.create.map((x) => x.main)).toFixed(0)}), ` +
    `update ${med(res.update.map((x) => x.proc)).toFixed(0)} µs (main thread ${med(res.update.map((x) => x.main)).toFixed(0)}); ` +
    `longest turn ${Math.max(...res.update.map((x) => x.maxTurnMs), ...res.create.map((x) => x.maxTurnMs)).toFixed(1)} ms; ` +
    `db ${(size(path) / 1e6).toFixed(1)} MB + wal ${(size(`${path}-wal`) / 1e6).toFixed(1)} MB`,
);
rmSync(dir, { recursive: true, force: true });
