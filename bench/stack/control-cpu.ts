/**
 * Control-plane CPU per operation under `kubevirt-ts up --nodes 2` (root, built tree): the CPU time
 * (user + system, from /proc) that `up` (API server, in-server controllers), virt-api, virt-controller
 * and kube-scheduler spend per Event create, per ConfigMap create and merge patch, and per VMI that
 * cannot be scheduled (create with both webhooks, virt-controller's pod, the scheduler's attempt).
 * CPU, unlike latency, barely moves with the machine's load, so changes can be compared on a busy
 * machine; the stack bench's latencies follow from these costs on the API server's single thread.
 * Usage: node --import tsx bench/stack/control-cpu.ts [--vmis 50] [--objects 200] [--json FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { KubeClient } from '../../src/client/kube-client.js';
import { UpCluster, vmiSpec } from '../../test/stack/harness.js';
import { perItem, requestCounts } from './request-counts.js';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) of a process so far; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** The pids of this cluster's processes running `script` (their command lines name the data dir). */
function componentPids(c: UpCluster, script: string): number[] {
  return spawnSync('pgrep', ['-f', `${script} .*${c.dataDir}/`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
}

/** The pid of this cluster's one process running `script`. */
function componentPid(c: UpCluster, script: string): number {
  const out = componentPids(c, script);
  if (out.length !== 1) throw new Error(`expected one ${script} process of ${c.dataDir}, found ${out.length}`);
  return out[0] as number;
}

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One measured batch: CPU ms per operation of each process, and the API requests per operation. */
interface Cost {
  readonly n: number;
  readonly wallMs: number;
  readonly cpuMsPerOp: Record<string, number>;
  readonly requestsPerOp: Record<string, number>;
}

const c = await UpCluster.start({ nodes: 2 });
try {
  const client = await KubeClient.fromKubeconfig(c.kubeconfig);
  const procs: Record<string, number> = { up: c.pid, 'virt-api': componentPid(c, 'virt-api.js'), 'virt-controller': componentPid(c, 'virt-controller.js') };
  // A tree where the scheduler runs in `up` has no such process (docs/adr/0008).
  const [scheduler] = componentPids(c, 'kube-scheduler.js');
  if (scheduler !== undefined) procs['kube-scheduler'] = scheduler;
  await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  await sleep(3000);
  const settleMs = 5000;
  /** Runs `n` operations at once, then waits for what they set off to settle; idle CPU is subtracted. */
  const measure = async (n: number, op: (i: number) => Promise<unknown>): Promise<Cost> => {
    const idle0 = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, cpuSeconds(p)]));
    await sleep(3000);
    const idleRate = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, (cpuSeconds(p) - (idle0[k] ?? 0)) / 3]));
    const before = requestCounts(await client.requestText('GET', '/metrics')).series;
    const cpu0 = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, cpuSeconds(p)]));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => op(i)));
    const wallMs = Math.round(performance.now() - t0);
    await sleep(settleMs);
    const cpuMsPerOp = Object.fromEntries(
      Object.entries(procs).map(([k, p]) => [k, +((Math.max(0, cpuSeconds(p) - (cpu0[k] ?? 0) - (idleRate[k] ?? 0) * ((wallMs + settleMs) / 1000)) * 1000) / n).toFixed(2)]),
    );
    const after = requestCounts(await client.requestText('GET', '/metrics')).series;
    return { n, wallMs, cpuMsPerOp, requestsPerOp: perItem(before, after, n) };
  };
  const objects = arg('--objects', 200);
  const vmis = arg('--vmis', 50);
  const pad = 'x'.repeat(3000);
  const results: Record<string, Cost> = {};
  results['Event create'] = await measure(objects, (i) =>
    client.create('/api/v1/namespaces/bench/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `ev${i}` },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'bench' },
      reason: 'Bench',
      message: 'an event',
      type: 'Normal',
      source: { component: 'bench' },
    }),
  );
  results['ConfigMap create (3 kB)'] = await measure(objects, (i) =>
    client.create('/api/v1/namespaces/bench/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}` }, data: { pad } }),
  );
  results['ConfigMap merge patch'] = await measure(objects, (i) => client.patch(`/api/v1/namespaces/bench/configmaps/cm${i}`, { data: { more: String(i) } }));
  results['VMI create, unschedulable'] = await measure(vmis, (i) =>
    client.create('/apis/kubevirt.io/v1/namespaces/bench/virtualmachineinstances', {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: `v${i}` },
      spec: vmiSpec({ nodeSelector: { 'bench.kubevirt-ts.io/none': 'none' }, cpu: '50m' }),
    }),
  );
  client.close();
  const out = { date: new Date().toISOString(), results };
  for (const [name, r] of Object.entries(results)) {
    const cpu = Object.entries(r.cpuMsPerOp).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    const reqs = Object.entries(r.requestsPerOp).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${name} (n=${r.n}, ${r.wallMs} ms): CPU ms per op: ${cpu}; requests per op: ${reqs}`);
  }
  const ji = process.argv.indexOf('--json');
  if (ji >= 0 && process.argv[ji + 1]) writeFileSync(process.argv[ji + 1] as string, JSON.stringify(out, null, 1));
} finally {
  await c.stop();
}
