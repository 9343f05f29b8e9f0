/**
 * The last step of `up`'s shutdown: kill whatever still runs in the nodes' pod cgroups
 * (`kubevirt-ts/<node>/...`, cgroup v1 controllers or v2) and remove them. The node agent kills
 * each pod's process group, but QEMU runs in its own session (libvirtd daemonizes it) inside the
 * pod's cgroup, so without this a running guest outlives `up`.
 */
import { existsSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** The node cgroup directories under root: v2 (`root/kubevirt-ts/<node>`) and each v1 controller's. */
function nodeDirs(root: string, node: string): string[] {
  const bases = [root, ...readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name))];
  return [...new Set(bases.map((b) => join(b, 'kubevirt-ts', node)).filter((d) => existsSync(d)))];
}

/** Every cgroup directory below dir, deepest first (so they can be removed in order). */
function cgroupsBelow(dir: string): string[] {
  const subs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  return [...subs.flatMap((d) => cgroupsBelow(join(dir, d.name))), dir];
}

/** PIDs listed in a cgroup's cgroup.procs (none when it cannot be read). */
function procs(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** SIGKILLs every process in the nodes' cgroups, waits (up to timeoutMs) until they are gone,
 *  then removes the emptied cgroups. Returns the PIDs it killed. */
export async function sweepNodeCgroups(nodes: readonly string[], opts: { root?: string; timeoutMs?: number } = {}): Promise<number[]> {
  const root = opts.root ?? '/sys/fs/cgroup';
  if (!existsSync(root)) return [];
  const dirs = nodes.flatMap((n) => nodeDirs(root, n)).flatMap(cgroupsBelow);
  const killed = [...new Set(dirs.flatMap(procs))];
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  while (killed.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (a process would not die) or a plain directory in a test root
    }
  }
  return killed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}
