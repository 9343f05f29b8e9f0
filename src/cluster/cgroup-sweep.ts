/**
 * The last step of `up`'s shutdown: kill whatever still runs in this cluster's pod cgroups
 * (`kubevirt-ts/<node>/pod<uid>`, cgroup v1 controllers or v2) and remove them. The node agent
 * kills each pod's process group, but QEMU runs in its own session (libvirtd daemonizes it)
 * inside the pod's cgroup, so without this a running guest outlives `up`. Only the pods named
 * are swept: other clusters on the machine use the same node names.
 */
import { existsSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** A pod of one of this cluster's nodes. */
export interface NodePod {
  readonly node: string;
  readonly uid: string;
}

/** The pod's cgroup directories under root: v2 (`root/kubevirt-ts/<node>/pod<uid>`) and each v1 controller's. */
function podDirs(root: string, pod: NodePod): string[] {
  const bases = [root, ...readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name))];
  return bases.map((b) => join(b, 'kubevirt-ts', pod.node, `pod${pod.uid}`)).filter((d) => existsSync(d));
}

/** The pods a node agent keeps state for: the directories under `<nodesDir>/<node>/pods/`. */
export function podsOnNodes(nodesDir: string, nodes: readonly string[]): NodePod[] {
  return nodes.flatMap((node) => {
    try {
      return readdirSync(join(nodesDir, node, 'pods'), { withFileTypes: true })
        .filter((d) => d.isDirectory() && /^[0-9a-f-]{36}$/.test(d.name))
        .map((d) => ({ node, uid: d.name }));
    } catch {
      return [];
    }
  });
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

/** SIGKILLs every process in the pods' cgroups, waits (up to timeoutMs) until they are gone,
 *  then removes the emptied cgroups. Returns the PIDs it killed. */
export async function sweepPodCgroups(pods: readonly NodePod[], opts: { root?: string; timeoutMs?: number } = {}): Promise<number[]> {
  const root = opts.root ?? '/sys/fs/cgroup';
  if (!existsSync(root)) return [];
  const dirs = pods.flatMap((p) => podDirs(root, p)).flatMap(cgroupsBelow);
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
