/**
 * Stack benchmark under `kubevirt-ts up --nodes 2` (root, built tree): for batches of VMIs created
 * at once (default 1, 10, 50), the latency from the create request to Scheduled, to Running (the
 * domain started: the control-plane share) and to Running with Ready, as p50/p95; the writes to each VMI seen
 * on a watch until it is Ready (the API server keeps no audit log, so patches and updates are
 * counted together); and the fixed memory of one VM (launcher, libvirtd, virtlogd and QEMU PSS/RSS,
 * the guest having no OS so touching almost none of its RAM).
 * Each VMI's start is also split into stages (STAGES) seen on VMI and pod watches plus QEMU's
 * process start time, summed into the control-plane share and the process start-up share.
 * PATCH and PUT requests to VMIs (apiWritesPerVMI) come from the API server's /metrics
 * (apiserver_request_total by verb), over the same window, divided by the batch size.
 * Usage: node --import tsx bench/stack/bench.ts [--sizes 1,10,50] [--nodes 2] [--per-vmi]
 */
import { readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { KubeClient } from '../../src/client/kube-client.js';
import type { VirtualMachineInstance } from '../../src/api/kubevirt/index.js';
import type { Pod } from '../../src/cluster/kubelet/types.js';
import { UpCluster, vmiSpec } from '../../test/stack/harness.js';
import { until } from '../../test/fixtures/wait.js';
import { perItem, requestCounts } from './request-counts.js';
import { flowControlWaits } from './flow-control-waits.js';

/** When the bench saw each step of one VMI (performance.now() ms; watch events unless noted). */
interface Track {
  sent: number;
  /** The create request answered (admission webhooks and storage done). */
  created?: number;
  uid?: string;
  /** The launcher pod's ADDED event: virt-controller rendered and created it. */
  podCreated?: number;
  /** spec.nodeName first set: the scheduler bound it. */
  podBound?: number;
  podUid?: string;
  node?: string;
  /** The launcher process's start (/proc/<pid>/stat): the node agent started the container. */
  containerStarted?: number;
  /** The launcher socket's ctime: the launcher and its libvirtd are up and it serves commands. */
  launcherReady?: number;
  scheduled?: number;
  /**
   * The launcher's disks directory's birth time: the launcher got the handler's Sync and began
   * preparing disks (the emptyDisk image is born later, once qemu-img has started and created it).
   */
  syncStarted?: number;
  /** The emptyDisk image's birth time (the marker of sync start before the disks directory). */
  imageBorn?: number;
  /** The persistent domain XML's birth time (libvirt's etc/qemu/<domain>.xml): libvirtd defined the domain. */
  domainDefined?: number;
  /** QEMU's process start time (/proc/<pid>/stat): libvirtd spawned the domain's emulator. */
  qemuStarted?: number;
  running?: number;
  ready?: number;
  writes: number;
}

/**
 * The stages of one VMI's start, each [from, to] of Track fields, and whose they are: `control`
 * (controllers, scheduler, handler, API), `runtime` (node runtime, launcher and libvirtd start,
 * QEMU start). The control-plane share is the sum of the control stages.
 */
const STAGES = [
  ['create', 'sent', 'created', 'control'],
  ['controller: pod created', 'created', 'podCreated', 'control'],
  ['scheduler: pod bound', 'podCreated', 'podBound', 'control'],
  ['node: launcher process started', 'podBound', 'containerStarted', 'runtime'],
  ['launcher: libvirtd up, socket served', 'containerStarted', 'launcherReady', 'runtime'],
  ['handler: Scheduled, Sync sent', 'launcherReady', 'syncStarted', 'control'],
  ['launcher: disks, network, domain defined', 'syncStarted', 'domainDefined', 'runtime'],
  ['libvirtd: QEMU spawned', 'domainDefined', 'qemuStarted', 'runtime'],
  ['QEMU start -> Running written', 'qemuStarted', 'running', 'runtime'],
] as const satisfies readonly (readonly [string, keyof Track, keyof Track, 'control' | 'runtime'])[];

/**
 * Each VMI's CPU request: 50 VMIs at upstream's default (100m per vCPU) would need 5 CPUs of
 * requests, more than two nodes on a 2-core machine offer (2 each); these guests run no OS.
 */
const VMI_CPU_REQUEST = '50m';

/** Wall time since boot as performance.now() ms, to place /proc start times on the bench's clock. */
function bootPerfMs(): number {
  return performance.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}
/** CLK_TCK: /proc start times are in these ticks per second. */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** The start of the single process of this cluster matching `re`, on the bench's clock. */
function processStart(c: UpCluster, re: RegExp, boot: number): number | undefined {
  const [pid] = c.podProcesses(re);
  if (!pid) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return boot + (ticks / CLK_TCK) * 1000;
}

/** Fills the steps the kernel and filesystem timed: launcher and QEMU process starts, the launcher socket's creation. */
function processSteps(c: UpCluster, name: string, t: Track): void {
  const boot = bootPerfMs();
  t.containerStarted = processStart(c, new RegExp(`virt-launcher\\.js .*--name ${name} `), boot);
  t.qemuStarted = processStart(c, new RegExp(`guest=bench_${name},`), boot);
  if (!t.node || !t.podUid) return;
  const priv = join(c.dataDir, 'nodes', t.node, 'pods', t.podUid, 'volumes', 'private');
  const born = (path: string, f: 'ctimeMs' | 'birthtimeMs'): number | undefined => {
    try {
      return statSync(join(priv, path))[f] - performance.timeOrigin;
    } catch {
      return undefined; // not there: the step stays unseen
    }
  };
  t.launcherReady = born('launcher.sock', 'ctimeMs');
  t.syncStarted = born('disks', 'birthtimeMs');
  t.imageBorn = born('disks/scratch.qcow2', 'birthtimeMs');
  t.domainDefined = born(`libvirt/etc/qemu/bench_${name}.xml`, 'birthtimeMs');
}

/** When each step of a VMI happened, in ms since the batch's first create was sent (to read the pipeline's order). */
function timesFrom(t: Track, t0: number): Record<string, number> {
  const keys = ['sent', 'created', 'podCreated', 'podBound', 'containerStarted', 'launcherReady', 'scheduled', 'syncStarted', 'running'] as const;
  return Object.fromEntries(keys.filter((k) => t[k] !== undefined).map((k) => [k, Math.round((t[k] as number) - t0)]));
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

/** The API server's count of PATCH and PUT requests to VMIs (any subresource), from its /metrics. */
async function vmiWriteCounts(client: KubeClient): Promise<{ patches: number; updates: number }> {
  const text = await client.requestText('GET', '/metrics');
  const out = { patches: 0, updates: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !line.includes('resource="virtualmachineinstances"')) continue;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.includes('verb="PATCH"')) out.patches += n;
    else if (line.includes('verb="PUT"')) out.updates += n;
  }
  return out;
}

/** CPU seconds (user + system) the `up` process itself has used so far (its children not counted). */
function upCpuSeconds(c: UpCluster): number {
  const stat = readFileSync(`/proc/${c.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** One stage's length in ms (NaN when a step was not seen). */
const stage = (t: Track, from: keyof Track, to: keyof Track): number => Number(t[to] ?? NaN) - Number(t[from] ?? NaN);
/** The sum of one kind's stages for a VMI. */
const share = (t: Track, kind: 'control' | 'runtime'): number => STAGES.filter((s) => s[3] === kind).reduce((sum, [, from, to]) => sum + stage(t, from, to), 0);

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
  const pods = '/api/v1/namespaces/bench/pods';
  const podList = await client.get<{ metadata: { resourceVersion: string } }>(pods);
  const byUid = (uid: string | undefined): Track | undefined => [...tracks.values()].find((t) => t.uid !== undefined && t.uid === uid);
  const podWatch = client.watch<Pod>(pods, { resourceVersion: podList.metadata.resourceVersion }, (e) => {
    const t = byUid(e.object.metadata?.labels?.['kubevirt.io/created-by']);
    if (!t || e.type === 'DELETED') return;
    const now = performance.now();
    t.podCreated ??= now;
    t.podUid = e.object.metadata?.uid;
    if (e.object.spec?.nodeName) {
      t.podBound ??= now;
      t.node = e.object.spec.nodeName;
    }
  }, abort.signal).catch(() => undefined);
  const writesBefore = await vmiWriteCounts(client);
  const cpuBefore = upCpuSeconds(c);
  const metricsBefore = await client.requestText('GET', '/metrics');
  const requestsBefore = requestCounts(metricsBefore);
  const names = Array.from({ length: n }, (_, i) => `b${n}-${i}`);
  for (const name of names) tracks.set(name, { sent: 0, writes: 0 });
  await Promise.all(names.map(async (name) => {
    const t = tracks.get(name)!;
    t.sent = performance.now();
    const vmi = await client.create<VirtualMachineInstance>(base, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: 'bench' }, spec: vmiSpec({ cpu: VMI_CPU_REQUEST }) });
    t.created = performance.now();
    t.uid = vmi.metadata?.uid;
  }));
  await until(`${n} VMIs Running and Ready`, () => {
    c.assertRunning();
    return [...tracks.values()].every((t) => t.ready) ? true : undefined;
  }, 20 * 60_000, 500);
  const upCpuToReady = upCpuSeconds(c) - cpuBefore;
  for (const [name, t] of tracks) processSteps(c, name, t);
  // Let trailing writes (status settling after Ready) land before counting, and the guest's firmware settle.
  await new Promise((r) => setTimeout(r, 10_000));
  const writesAfter = await vmiWriteCounts(client);
  const metricsAfter = await client.requestText('GET', '/metrics');
  const requestsAfter = requestCounts(metricsAfter);
  abort.abort();
  await Promise.all([watching, podWatch]);
  const ts = [...tracks.values()];
  const t0 = Math.min(...ts.map((t) => t.sent));
  const ms = (f: (t: Track) => number | undefined) => ts.map((t) => (f(t) ?? NaN) - t.sent);
  const stats = (xs: number[]) => ({ p50: Math.round(pct(xs, 50)), p95: Math.round(pct(xs, 95)) });
  const mem = vmProcesses(c, names[0]!);
  const result = {
    vmis: n,
    scheduledMs: stats(ms((t) => t.scheduled)),
    runningMs: stats(ms((t) => t.running)),
    readyMs: stats(ms((t) => t.ready)),
    stagesMs: Object.fromEntries(STAGES.map(([label, from, to, kind]) => [`${label} (${kind})`, stats(ts.map((t) => stage(t, from, to)))])),
    controlPlaneMs: stats(ts.map((t) => share(t, 'control'))),
    runtimeMs: stats(ts.map((t) => share(t, 'runtime'))),
    socketToScheduledMs: stats(ts.map((t) => stage(t, 'launcherReady', 'scheduled'))),
    ...(process.argv.includes('--per-vmi') ? { perVMI: ts.map((t) => ({ ...Object.fromEntries(STAGES.map(([label, from, to]) => [label, Math.round(stage(t, from, to))])), 'socket -> Scheduled': Math.round(stage(t, 'launcherReady', 'scheduled')), 'socket -> disk image': Math.round(stage(t, 'launcherReady', 'imageBorn')), at: timesFrom(t, t0) })) } : {}),
    upCpuSeconds: { toReady: +upCpuToReady.toFixed(2), withSettle: +(upCpuSeconds(c) - cpuBefore).toFixed(2) },
    apiWritesPerVMI: { patches: +((writesAfter.patches - writesBefore.patches) / n).toFixed(1), updates: +((writesAfter.updates - writesBefore.updates) / n).toFixed(1) },
    apiRequestsPerVMI: perItem(requestsBefore.series, requestsAfter.series, n),
    flowControl: flowControlWaits(metricsBefore, metricsAfter),
    ...(requestsAfter.byUser.size > 0 ? { apiRequestsPerVMIByUser: perItem(requestsBefore.byUser, requestsAfter.byUser, n) } : {}),
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
    // The whole log of `up`, for failures whose cause is not in its last lines.
    const logFile = join(tmpdir(), `bench-stack-up-${process.pid}.log`);
    writeFileSync(logFile, c.log);
    console.error(`${c.withLog(e).message}\n(up's full log: ${logFile})`);
    process.exitCode = 1;
  } finally {
    client.close();
    await c.stop();
  }
}

await main();
