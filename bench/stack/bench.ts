/**
 * Stack benchmark under `kubevirt-ts up --nodes 2` (root, built tree): for batches of VMIs created
 * at once (default 1, 10, 50), the latency from the create request to Scheduled, to Running (the
 * domain started: the control-plane share) and to Running with Ready, as p50/p95; the writes to each VMI seen
 * on a watch until it is Ready (the API server keeps no audit log, so patches and updates are
 * counted together); and the fixed memory of one VM (launcher, libvirtd, virtlogd and QEMU PSS/RSS,
 * the guest having no OS so touching almost none of its RAM).
 * Usage: node --import tsx bench/stack/bench.ts [--sizes 1,10,50] [--nodes 2]
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { KubeClient } from '../../src/client/kube-client.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import { UpCluster, vmiSpec } from '../../test/stack/harness.js';
import { until } from '../../test/fixtures/wait.js';

interface Track {
  sent: number;
  scheduled?: number;
  running?: number;
  ready?: number;
  writes: number;
}

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

/** Sums a /proc status or smaps_rollup field (kB) over pids. */
function sumKb(pids: readonly number[], file: 'status' | 'smaps_rollup', field: string): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb;
}

/** The pod's processes (sharing the launcher's network namespace: launcher, libvirtd, virtlogd, QEMU), QEMU apart. */
function vmProcesses(c: UpCluster, name: string): { launcher: number[]; qemu: number[] } {
  const [launcher] = c.podProcesses(new RegExp(`virt-launcher\\.js .*--name ${name} `));
  if (!launcher) return { launcher: [], qemu: [] };
  const netns = (p: number) => {
    try {
      return readlinkSync(`/proc/${p}/ns/net`);
    } catch {
      return '';
    }
  };
  const pod = netns(launcher);
  const wrapper = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('/bin/sh');
    } catch {
      return true;
    }
  };
  const members = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => netns(p) === pod && !wrapper(p));
  const qemu = spawnSync('pgrep', ['-f', `guest=bench_${name},`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return { launcher: members.filter((p) => !qemu.includes(p)), qemu };
}

async function batch(c: UpCluster, client: KubeClient, n: number): Promise<Record<string, unknown>> {
  const tracks = new Map<string, Track>();
  const abort = new AbortController();
  const base = `/apis/kubevirt.io/v1/namespaces/bench/virtualmachineinstances`;
  const list = await client.get<{ metadata: { resourceVersion: string } }>(base);
  const watching = client.watch<VirtualMachineInstance>(base, { resourceVersion: list.metadata.resourceVersion }, (e) => {
    const name = e.object.metadata?.name ?? '';
    const t = tracks.get(name);
    if (!t) return;
    const now = performance.now();
    if (e.type === 'MODIFIED') t.writes += 1;
    const phase = e.object.status?.phase;
    if (!t.scheduled && (phase === 'Scheduled' || phase === 'Running')) t.scheduled = now;
    if (!t.running && phase === 'Running') t.running = now;
    if (!t.ready && phase === 'Running' && e.object.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) t.ready = now;
  }, abort.signal).catch(() => undefined);
  const names = Array.from({ length: n }, (_, i) => `b${n}-${i}`);
  for (const name of names) tracks.set(name, { sent: 0, writes: 0 });
  await Promise.all(names.map(async (name) => {
    tracks.get(name)!.sent = performance.now();
    await client.create(base, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'bench' }, spec: vmiSpec() });
  }));
  await until(`${n} VMIs Running and Ready`, () => ([...tracks.values()].every((t) => t.ready) ? true : undefined), 20 * 60_000, 500);
  // Let trailing writes (status settling after Ready) land before counting, and the guest's firmware settle.
  await new Promise((r) => setTimeout(r, 10_000));
  abort.abort();
  await watching;
  const ts = [...tracks.values()];
  const ms = (f: (t: Track) => number | undefined) => ts.map((t) => (f(t) ?? NaN) - t.sent);
  const stats = (xs: number[]) => ({ p50: Math.round(pct(xs, 50)), p95: Math.round(pct(xs, 95)) });
  const mem = vmProcesses(c, names[0]!);
  const result = {
    vmis: n,
    scheduledMs: stats(ms((t) => t.scheduled)),
    runningMs: stats(ms((t) => t.running)),
    readyMs: stats(ms((t) => t.ready)),
    writesPerVMI: { p50: pct(ts.map((t) => t.writes), 50), max: Math.max(...ts.map((t) => t.writes)) },
    memoryMiB: {
      launcherPss: +(sumKb(mem.launcher, 'smaps_rollup', 'Pss') / 1024).toFixed(1),
      qemuPss: +(sumKb(mem.qemu, 'smaps_rollup', 'Pss') / 1024).toFixed(1),
      launcherRss: +(sumKb(mem.launcher, 'status', 'VmRSS') / 1024).toFixed(1),
      qemuRss: +(sumKb(mem.qemu, 'status', 'VmRSS') / 1024).toFixed(1),
      processes: mem.launcher.length + mem.qemu.length,
    },
  };
  const del = c.kubectl(['delete', 'vmi', '-n', 'bench', '--all', '--wait', '--timeout=600s']);
  if (del.code !== 0) throw new Error(del.out);
  await until('QEMUs gone', () => (spawnSync('pgrep', ['-f', 'guest=bench_b'], { encoding: 'utf8' }).stdout.trim() === '' ? true : undefined), 300_000, 500);
  return result;
}

async function main(): Promise<void> {
  const sizes = arg('--sizes', '1,10,50').split(',').map(Number);
  const c = await UpCluster.start({ nodes: Number(arg('--nodes', '2')) });
  const client = await KubeClient.fromKubeconfig(join(c.dataDir, 'kubeconfig'));
  try {
    c.kubectl(['create', 'namespace', 'bench']);
    for (const n of sizes) console.log(JSON.stringify(await batch(c, client, n)));
  } catch (e) {
    console.error(c.withLog(e).message);
    process.exitCode = 1;
  } finally {
    client.close();
    await c.stop();
  }
}

await main();
