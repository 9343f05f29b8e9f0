/**
 * Per-container cgroups for memory and CPU limits: cgroup v2 (unified) or v1 (memory and cpu
 * controllers), under `kubevirt-ts/<node>/pod<uid>/<container>`. Where a controller is not
 * writable the limit is skipped and a warning returned, as issue 3 asks.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuantity } from '../apiserver/builtins/quantity.js';
import type { ResourceMap } from './types.js';

const ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;

/** Controller directories that will hold the container, by mode. */
function controllerRoots(root: string): { v2: boolean; dirs: Record<'memory' | 'cpu', string | undefined> } {
  if (existsSync(join(root, 'cgroup.controllers'))) return { v2: true, dirs: { memory: root, cpu: root } };
  const memory = existsSync(join(root, 'memory', 'memory.limit_in_bytes')) ? join(root, 'memory') : undefined;
  const cpu = existsSync(join(root, 'cpu', 'cpu.cfs_quota_us')) ? join(root, 'cpu') : undefined;
  return { v2: false, dirs: { memory, cpu } };
}

/** The relative cgroup path of a container. */
export function cgroupPath(node: string, podUid: string, container: string): string {
  return join('kubevirt-ts', node, `pod${podUid}`, container);
}

/** CPU quota in microseconds per 100 ms period for a cpu limit, or undefined for none. */
export function cpuQuotaUs(limit: string | number | undefined): number | undefined {
  const cores = parseQuantity(limit);
  return cores && cores > 0 ? Math.max(1000, Math.ceil(cores * PERIOD_US)) : undefined;
}

/** Creates the container's cgroups with its limits; returns the cgroup.procs files and warnings. */
export function setupCgroups(rel: string, limits: ResourceMap | undefined, root = ROOT): { procs: string[]; warnings: string[] } {
  const { v2, dirs } = controllerRoots(root);
  const procs: string[] = [];
  const warnings: string[] = [];
  const mem = parseQuantity(limits?.memory);
  const quota = cpuQuotaUs(limits?.cpu);
  const plan: ['memory' | 'cpu', string, string | undefined][] = v2
    ? [['memory', 'memory.max', mem ? String(Math.floor(mem)) : undefined], ['cpu', 'cpu.max', quota ? `${quota} ${PERIOD_US}` : undefined]]
    : [['memory', 'memory.limit_in_bytes', mem ? String(Math.floor(mem)) : undefined], ['cpu', 'cpu.cfs_quota_us', quota ? String(quota) : undefined]];
  for (const [ctrl, file, value] of plan) {
    const base = dirs[ctrl];
    if (!base) {
      if (value) warnings.push(`cgroup ${ctrl} controller not available: ${ctrl} limit not enforced`);
      continue;
    }
    const dir = join(base, rel);
    try {
      mkdirSync(dir, { recursive: true });
      if (value) writeFileSync(join(dir, file), value);
      if (!procs.includes(join(dir, 'cgroup.procs'))) procs.push(join(dir, 'cgroup.procs'));
    } catch (e) {
      warnings.push(`cgroup ${ctrl} at ${dir} not writable (${(e as Error).message}): ${ctrl} limit not enforced`);
    }
  }
  return { procs, warnings };
}

/** Removes the pod's cgroup directories, deepest first, after SIGKILLing whatever still runs in
 *  them (processes that left the container's process group, e.g. libvirtd's QEMU). */
export function removePodCgroups(node: string, podUid: string, root = ROOT): void {
  const { dirs } = controllerRoots(root);
  for (const base of new Set(Object.values(dirs))) {
    if (!base) continue;
    const podDir = join(base, 'kubevirt-ts', node, `pod${podUid}`);
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
    tryRmdir(join(base, 'kubevirt-ts', node));
    tryRmdir(join(base, 'kubevirt-ts'));
  }
}

function tryRmdir(p: string): void {
  try {
    rmdirSync(p);
  } catch {
    // still populated: retried on the next cleanup
  }
}
