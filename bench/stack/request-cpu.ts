/**
 * CPU per API request of one kind under `kubevirt-ts up --nodes 2` (root, built tree): `up`'s and
 * virt-api's CPU time (from /proc, idle rate subtracted) per POST, PUT, PATCH and GET of VMIs, POST
 * and status PATCH of pods, and Event creates. virt-controller and kube-scheduler are stopped
 * (SIGSTOP) while it measures, so each request's cost is its own and not what it sets off; the
 * stack bench's per-VMI cost is a sum of these. Event creates run once concurrently (group commit
 * shares SQLite commits and loop turns) and once one at a time (each pays the per-turn costs).
 * Pods are bound to a node that does not exist, so no node agent starts a launcher. `--only RE`
 * measures only the kinds whose name matches RE (the objects they need are still created).
 * Usage: node --import tsx bench/stack/request-cpu.ts [--n 200] [--only 'pod']
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { KubeClient } from '../../src/client/kube-client.js';
import type { KubeObject } from '../../src/api/meta/index.js';
import { UpCluster, vmiSpec } from '../../test/stack/harness.js';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** The pid of this cluster's process running `script`. */
function pidOf(c: UpCluster, script: string): number {
  const pid = Number(spawnSync('pgrep', ['-f', `${script} .*${c.dataDir}/`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
  if (!pid) throw new Error(`no ${script} process of ${c.dataDir}`);
  return pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const i = process.argv.indexOf('--n');
const n = i >= 0 ? Number(process.argv[i + 1]) : 200;
const oi = process.argv.indexOf('--only');
const only = oi >= 0 ? new RegExp(process.argv[oi + 1] ?? '', 'i') : undefined;

const c = await UpCluster.start({ nodes: 2 });
const stopped: number[] = [];
try {
  const client = await KubeClient.fromKubeconfig(c.kubeconfig);
  const procs: Record<string, number> = { up: c.pid, 'virt-api': pidOf(c, 'virt-api.js') };
  await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  await sleep(2000);
  for (const script of ['virt-controller.js', 'kube-scheduler.js']) {
    const pid = pidOf(c, script);
    process.kill(pid, 'SIGSTOP');
    stopped.push(pid);
  }
  const snap = () => Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, cpuSeconds(p)]));
  /** Runs `n` operations, `concurrency` at a time; prints CPU ms per operation of each process. */
  const measure = async (name: string, op: (i: number) => Promise<unknown>, concurrency = n) => {
    if (only && !only.test(name)) {
      // Creates are still run: later kinds need their objects.
      if (name.startsWith('POST ') && !name.includes('/') && !name.includes('event')) await Promise.all(Array.from({ length: n }, (_, k) => op(k)));
      return;
    }
    const idle0 = snap();
    await sleep(2000);
    const idle1 = snap();
    const t0 = performance.now();
    for (let s = 0; s < n; s += concurrency) await Promise.all(Array.from({ length: Math.min(concurrency, n - s) }, (_, k) => op(s + k)));
    await sleep(1000);
    const wallS = (performance.now() - t0) / 1000;
    const end = snap();
    const cost = Object.entries(procs).map(([k]) => {
      const idleRate = ((idle1[k] ?? 0) - (idle0[k] ?? 0)) / 2;
      return `${k} ${(Math.max(0, (end[k] ?? 0) - (idle1[k] ?? 0) - idleRate * wallS) * 1000 / n).toFixed(2)}`;
    });
    console.log(`${name.padEnd(28)} CPU ms per op: ${cost.join(', ')}`);
  };
  const vmis = '/apis/kubevirt.io/v1/namespaces/bench/virtualmachineinstances';
  const pods = '/api/v1/namespaces/bench/pods';
  const event = (name: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', name: 'x', namespace: 'bench' }, reason: 'Bench', message: 'an event', type: 'Normal', source: { component: 'bench' } });
  await measure('POST vmi', (k) => client.create(vmis, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: `v${k}` }, spec: vmiSpec({ nodeSelector: { 'bench.kubevirt-ts.io/none': 'none' }, cpu: '50m' }) }));
  await measure('GET vmi', (k) => client.get(`${vmis}/v${k}`));
  const got = await Promise.all(Array.from({ length: n }, (_, k) => client.get<KubeObject>(`${vmis}/v${k}`)));
  await measure('PUT vmi (a label)', (k) => {
    const v = got[k] as KubeObject;
    return client.replace(`${vmis}/v${k}`, { ...v, metadata: { ...v.metadata, labels: { ...v.metadata?.labels, put: 'yes' } } });
  });
  await measure('PATCH vmi (merge, a label)', (k) => client.patch(`${vmis}/v${k}`, { metadata: { labels: { patched: String(k) } } }));
  await measure('POST pod', (k) =>
    client.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${k}`, labels: { app: 'bench' } }, spec: { nodeSelector: { 'bench.kubevirt-ts.io/none': 'none' }, containers: [{ name: 'compute', image: 'bench', resources: { requests: { cpu: '50m', memory: '100Mi' } } }] } }),
  );
  const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no node' };
  await measure('PATCH pods/status', (k) => client.request('PATCH', `${pods}/p${k}/status`, { body: { status: { conditions: [condition] } }, contentType: 'application/strategic-merge-patch+json' }));
  const binding = (k: number) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: `p${k}` }, target: { apiVersion: 'v1', kind: 'Node', name: 'bench-nowhere' } });
  await measure('POST pods/binding', (k) => client.request('POST', `${pods}/p${k}/binding`, { body: binding(k) }));
  await measure('POST event', (k) => client.create('/api/v1/namespaces/bench/events', event(`e${k}`)));
  await measure('POST event, one at a time', (k) => client.create('/api/v1/namespaces/bench/events', event(`s${k}`)), 1);
  client.close();
} finally {
  for (const pid of stopped) process.kill(pid, 'SIGCONT');
  await c.stop();
}
