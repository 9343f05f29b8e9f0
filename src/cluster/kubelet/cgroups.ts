/**
 * Per-container cgroups for memory and CPU limits: cgroup v2 (unified) or v1 (memory and cpu
 * controllers), under `kubevirt-ts/<node>/pod<uid>/<container>`. Where a controller is not
 * writable the limit is skipped and a warning returned, as issue 3 asks. CPU weights follow
 * kubelet: each node's pods tree (`kubevirt-ts/<node>`, kubelet's kubepods) weighs its allocatable
 * CPU, each pod and container its CPU requests.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuantity } from '../apiserver/builtins/quantity.js';
import type { Container, PodSpec, ResourceMap } from './types.js';

const ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;
/** The kernel's bounds of cgroup v1 cpu.shares, and kubelet's shares per CPU. */
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024;
/** The top of every embedded node's cgroups. */
const TOP = 'kubevirt-ts';

/** A CPU quantity ("2", "500m", 0.25) in millicores, rounded up as apimachinery's MilliValue; 0 when absent or invalid. */
export function milliCpu(q: string | number | undefined): number {
  const cores = parseQuantity(q);
  return cores && cores > 0 ? Math.ceil(Math.round(cores * 1e6) / 1000) : 0;
}

/** cgroup v1 cpu.shares for a CPU request, as kubelet's MilliCPUToShares: 1024 a core, 2 for none (BestEffort). */
export function milliCpuToShares(milli: number): number {
  return milli > 0 ? clampShares((milli * SHARES_PER_CPU) / 1000) : MIN_SHARES;
}

/** Shares within the kernel's bounds, whole. */
function clampShares(shares: number): number {
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor(shares)));
}

/** cgroup v2 cpu.weight for v1 cpu.shares, as runc converts them: [2, 262144] onto [1, 10000]. */
export function sharesToWeight(shares: number): number {
  return 1 + Math.floor(((clampShares(shares) - MIN_SHARES) * 9999) / (MAX_SHARES - MIN_SHARES));
}

/** A container's CPU request in millicores: its request, else its limit (the API defaults a request to the limit). */
export function containerCpuMilli(c: Pick<Container, 'resources'>): number {
  const r = c.resources;
  return milliCpu(r?.requests?.['cpu'] ?? r?.limits?.['cpu']);
}

/**
 * The pod-level cpu.shares, as kubelet's pod cgroup: the larger of the containers' summed requests
 * and the largest init container's request (init containers run one at a time); 2 for BestEffort.
 */
export function podCpuShares(spec: Pick<PodSpec, 'containers' | 'initContainers'>): number {
  const sum = spec.containers.reduce((n, c) => n + containerCpuMilli(c), 0);
  const init = Math.max(0, ...(spec.initContainers ?? []).map(containerCpuMilli));
  return milliCpuToShares(Math.max(sum, init));
}

/** Controller directories that will hold the container, by mode. */
function controllerRoots(root: string): { v2: boolean; dirs: Record<'memory' | 'cpu', string | undefined> } {
  if (existsSync(join(root, 'cgroup.controllers'))) return { v2: true, dirs: { memory: root, cpu: root } };
  const memory = existsSync(join(root, 'memory', 'memory.limit_in_bytes')) ? join(root, 'memory') : undefined;
  const cpu = existsSync(join(root, 'cpu', 'cpu.cfs_quota_us')) ? join(root, 'cpu') : undefined;
  return { v2: false, dirs: { memory, cpu } };
}

/** The relative cgroup path of a container. */
export function cgroupPath(node: string, podUid: string, container: string): string {
  return join(TOP, node, `pod${podUid}`, container);
}

/** CPU quota in microseconds per 100 ms period for a cpu limit, or undefined for none. */
export function cpuQuotaUs(limit: string | number | undefined): number | undefined {
  const cores = parseQuantity(limit);
  return cores && cores > 0 ? Math.max(1000, Math.ceil(cores * PERIOD_US)) : undefined;
}

/** cgroup v2: enables each controller the parent offers but does not yet pass down, in every
 *  directory from root down to rel's parent (best effort: a directory holding processes refuses). */
function enableControllers(root: string, rel: string): string[] {
  const warnings: string[] = [];
  let dir = root;
  for (const part of rel.split('/').filter(Boolean)) {
    let offered: string[];
    let enabled: string[];
    try {
      offered = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/);
      enabled = existsSync(join(dir, 'cgroup.subtree_control')) ? readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/) : [];
    } catch {
      offered = [];
      enabled = [];
    }
    for (const ctrl of ['cpu', 'memory'].filter((c) => offered.includes(c) && !enabled.includes(c))) {
      try {
        writeFileSync(join(dir, 'cgroup.subtree_control'), `+${ctrl}`);
      } catch (e) {
        warnings.push(`cgroup ${ctrl} controller not enabled below ${dir} (${(e as Error).message})`);
      }
    }
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
  }
  return warnings;
}

/** The file and value giving a cgroup CPU weight `shares` (or the kernel's default): cpu.shares (v1) or cpu.weight (v2, converted as runc). */
function cpuWeightFile(v2: boolean, shares: number | 'default'): [string, string] {
  if (shares === 'default') return v2 ? ['cpu.weight', '100'] : ['cpu.shares', String(SHARES_PER_CPU)];
  return v2 ? ['cpu.weight', String(sharesToWeight(shares))] : ['cpu.shares', String(clampShares(shares))];
}

/** Creates the cgroup rel (cpu controller) with CPU weight `shares` (or the kernel's default); returns warnings instead of throwing. */
export function setCpuWeight(rel: string, shares: number | 'default', root = ROOT): string[] {
  const { v2, dirs } = controllerRoots(root);
  if (!dirs.cpu) return [`cgroup cpu controller not available: cpu weight of ${rel} not set`];
  const warnings = v2 ? enableControllers(root, rel) : [];
  const dir = join(dirs.cpu, rel);
  const [file, value] = cpuWeightFile(v2, shares);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), value);
  } catch (e) {
    warnings.push(`cgroup cpu at ${dir} not writable (${(e as Error).message}): cpu weight not set`);
  }
  return warnings;
}

/**
 * Creates a container's cgroups as kubelet does: the pod's cgroup weighted by the pod's CPU
 * requests (podCpuShares), the container's by its own request, with its memory and CPU limits.
 * Returns the cgroup.procs files the container joins and warnings.
 */
export function setupContainerCgroups(
  node: string, podUid: string, spec: Pick<PodSpec, 'containers' | 'initContainers'>, c: Pick<Container, 'name' | 'resources'>, root = ROOT,
): { procs: string[]; warnings: string[] } {
  const podWarnings = setCpuWeight(join(TOP, node, `pod${podUid}`), podCpuShares(spec), root);
  const r = applyCgroups(cgroupPath(node, podUid, c.name), c.resources?.limits, milliCpuToShares(containerCpuMilli(c)), root);
  return { procs: r.procs, warnings: [...podWarnings, ...r.warnings] };
}

function applyCgroups(rel: string, limits: ResourceMap | undefined, shares: number, root: string): { procs: string[]; warnings: string[] } {
  const { v2, dirs } = controllerRoots(root);
  const procs: string[] = [];
  const warnings: string[] = v2 ? enableControllers(root, rel) : [];
  const mem = parseQuantity(limits?.memory);
  const quota = cpuQuotaUs(limits?.cpu);
  const weight = [cpuWeightFile(v2, shares)];
  const plan: ['memory' | 'cpu', [string, string][]][] = v2
    ? [['memory', mem ? [['memory.max', String(Math.floor(mem))]] : []], ['cpu', [...weight, ...(quota ? [['cpu.max', `${quota} ${PERIOD_US}`] as [string, string]] : [])]]]
    : [['memory', mem ? [['memory.limit_in_bytes', String(Math.floor(mem))]] : []], ['cpu', [...weight, ...(quota ? [['cpu.cfs_quota_us', String(quota)] as [string, string]] : [])]]];
  for (const [ctrl, files] of plan) {
    const base = dirs[ctrl];
    if (!base) {
      if (files.length > 0) warnings.push(`cgroup ${ctrl} controller not available: ${ctrl} limit not enforced`);
      continue;
    }
    const dir = join(base, rel);
    try {
      mkdirSync(dir, { recursive: true });
      for (const [file, value] of files) writeFileSync(join(dir, file), value);
      if (!procs.includes(join(dir, 'cgroup.procs'))) procs.push(join(dir, 'cgroup.procs'));
    } catch (e) {
      warnings.push(`cgroup ${ctrl} at ${dir} not writable (${(e as Error).message}): ${ctrl} limit not enforced`);
    }
  }
  return { procs, warnings };
}

/**
 * The weight of all embedded nodes' pods together (`kubevirt-ts`, shared by every cluster on the
 * machine): `up` lowers it below its control plane while it runs and gives back the default when
 * it stops. Returns warnings.
 */
export function setEmbeddedPodsWeight(shares: number | 'default', root = ROOT): string[] {
  return setCpuWeight(TOP, shares, root);
}

/** Each node's pods tree (`kubevirt-ts/<node>`, kubelet's kubepods) weighted by its allocatable CPU; returns warnings. */
export function setupNodeCgroups(nodes: readonly string[], allocatableCpu: string | number, root = ROOT): string[] {
  return nodes.flatMap((node) => setCpuWeight(join(TOP, node), milliCpuToShares(milliCpu(allocatableCpu)), root));
}

/** Removes the pod's cgroup directories, deepest first, after SIGKILLing whatever still runs in
 *  them (processes that left the container's process group, e.g. libvirtd's QEMU). */
export function removePodCgroups(node: string, podUid: string, root = ROOT): void {
  const { dirs } = controllerRoots(root);
  for (const base of new Set(Object.values(dirs))) {
    if (!base) continue;
    const podDir = join(base, TOP, node, `pod${podUid}`);
    if (!existsSync(podDir)) continue;
    for (const c of readdirSync(podDir, { withFileTypes: true })) {
      if (!c.isDirectory()) continue;
      killMembers(join(podDir, c.name));
      tryRmdir(join(podDir, c.name));
    }
    tryRmdir(podDir);
  }
}

/**
 * SIGKILLs what runs in one cgroup directory: `cgroup.kill` (cgroup v2, Linux 5.14+) kills the
 * whole subtree at once, race-free; otherwise each pid in cgroup.procs. Returns the pids found.
 */
function killMembers(dir: string): number[] {
  let pids: number[];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  if (pids.length === 0) return [];
  if (existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      return pids;
    } catch {
      // not writable: signal each member
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/**
 * Kills whatever is left in a container's cgroups once its main process has died, as a container
 * runtime does when a container's init exits: processes that left its process group and mount
 * namespace (libvirtd's QEMU) must not outlive it. Returns the pids signalled.
 */
export function killContainerCgroup(rel: string, root = ROOT): number[] {
  const { dirs } = controllerRoots(root);
  const killed = new Set<number>();
  for (const base of new Set(Object.values(dirs))) {
    if (!base) continue;
    // A few rounds for members forked while the first signals went out (v1 has no atomic kill).
    for (let round = 0; round < 3; round++) {
      const found = killMembers(join(base, rel)).filter((p) => !killed.has(p));
      if (found.length === 0) break;
      for (const p of found) killed.add(p);
    }
  }
  return [...killed];
}

/** Removes a node's (empty) cgroup parents, for `kubevirt-ts down` and tests. */
export function removeNodeCgroups(node: string, root = ROOT): void {
  const { dirs } = controllerRoots(root);
  for (const base of new Set(Object.values(dirs))) {
    if (!base) continue;
    tryRmdir(join(base, TOP, node));
    tryRmdir(join(base, TOP));
  }
}

function tryRmdir(p: string): void {
  try {
    rmdirSync(p);
  } catch {
    // still populated: retried on the next cleanup
  }
}
