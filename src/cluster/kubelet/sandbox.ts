/**
 * The pod sandbox: a detached `sleep infinity` holding the pod's private mount namespace (and
 * its network namespace: PodNetwork's, a fresh loopback-only one, or the host's for
 * hostNetwork). Containers join it with nsenter. Mounts are made with argv arrays only.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { procStartTime, run, signal } from './procs.js';

/** Directories every pod gets as private tmpfs (issue 3). */
export const PRIVATE_DIRS = ['/run', '/tmp', '/var/run', '/var/lib/libvirt', '/var/log/libvirt'] as const;

const isUnder = (path: string, dirs: readonly string[]): boolean => dirs.some((d) => path === d || path.startsWith(`${d}/`));

/** Directories outside PRIVATE_DIRS where a sandbox may briefly mount its staging tmpfs (FHS's
 *  mount points for temporary mounts first); the first one no pod mount lies in is used. */
export const STAGING_DIRS = ['/mnt', '/media', '/srv', '/opt'] as const;

/** Read-only binds keeping host paths visible in a pod although they lie under a directory the
 *  pod mounts privately (a checkout under /tmp: component images run its dist/). */
export function shadowedPathMounts(paths: readonly string[]): BindMount[] {
  return paths.filter((p) => PRIVATE_DIRS.some((d) => p.startsWith(`${d}/`))).map((p) => ({ source: p, target: p, readOnly: true }));
}

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
  /** Mount a fresh tmpfs here instead of binding (emptyDir medium Memory). */
  readonly tmpfs?: boolean;
  /** The source is not a directory: the target is a file, created empty (with its parents) when
   *  nothing, not even a symlink, is there. */
  readonly file?: boolean;
}

export interface SandboxSpec {
  readonly hostNetwork: boolean;
  /** A network namespace to join (from PodNetwork); without it a non-host pod gets a fresh one. */
  readonly netnsPath?: string;
  readonly mounts: readonly BindMount[];
}

export interface SandboxHandle {
  readonly pid: number;
  readonly startTime: string;
}

/** The argv that starts a sandbox holder process. */
export function sandboxArgv(spec: SandboxSpec): string[] {
  const unshare = ['unshare', '--mount', '--propagation', 'private'];
  if (!spec.hostNetwork && !spec.netnsPath) unshare.push('--net');
  const holder = [...unshare, '--', 'sleep', 'infinity'];
  return spec.netnsPath && !spec.hostNetwork ? ['nsenter', `--net=${spec.netnsPath}`, '--', ...holder] : holder;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** How to lay out a sandbox's mounts: the private dirs to cover with tmpfs, where to stage, and
 *  how the agent sees a source path (resolving symlinks), for mountPlan. */
export interface MountPlanOptions {
  readonly privateDirs: readonly string[];
  /** A directory outside the private dirs that no mount source or target lies in (asked only when needed). */
  readonly staging: () => string;
  readonly resolve: (path: string) => string;
}

/**
 * The commands (argv, run inside the sandbox's mount namespace) that cover the private dirs with
 * tmpfs and then make `mounts` in order. A source the tmpfs would hide (a hostPath under /tmp) is
 * bound first to a staging tmpfs outside the private dirs, moved into place after, and the staging
 * mount removed: a bind made later would see the pod's own empty tmpfs.
 */
export function mountPlan(mounts: readonly BindMount[], o: MountPlanOptions): string[][] {
  const tmpfsTargets = mounts.filter((m) => m.tmpfs).map((m) => m.target);
  const hidden = mounts.filter((m) => !m.tmpfs && isUnder(o.resolve(m.source), PRIVATE_DIRS) && !isUnder(m.source, tmpfsTargets));
  const staging = hidden.length > 0 ? o.staging() : '';
  const staged = new Map(hidden.map((m, i) => [m, `${staging}/${i}`]));
  const steps: string[][] = [];
  if (staged.size > 0) steps.push(['mount', '-t', 'tmpfs', '-o', 'mode=700,size=1m', 'tmpfs', staging]);
  for (const [m, at] of staged) steps.push(m.file ? ['touch', at] : ['mkdir', at], ['mount', '--bind', m.source, at]);
  for (const dir of o.privateDirs) steps.push(['mkdir', '-p', dir], ['mount', '-t', 'tmpfs', '-o', 'mode=755,size=64m', 'tmpfs', dir]);
  for (const m of mounts) {
    steps.push(m.file ? fileTarget(m.target) : ['mkdir', '-p', m.target]);
    const at = staged.get(m);
    if (m.tmpfs) steps.push(['mount', '-t', 'tmpfs', '-o', 'mode=777', 'tmpfs', m.target]);
    else if (at) steps.push(['mount', '--move', at, m.target]);
    else steps.push(['mount', '--bind', m.source, m.target]);
    if (m.readOnly) steps.push(['mount', '-o', 'remount,bind,ro', m.target]);
  }
  if (staged.size > 0) steps.push(['umount', staging]);
  return steps;
}

/** The step making a file mount's target: an empty file (parents too) unless something is there. */
export function fileTarget(target: string): string[] {
  return ['sh', '-c', 'test -e "$1" || test -L "$1" || { mkdir -p "$(dirname "$1")" && : > "$1"; }', 'sh', target];
}

/** The host's view of a path with symlinks resolved (the path itself when it does not exist). */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The first existing real directory of STAGING_DIRS that holds none of the mounts' sources or targets. */
export function stagingDir(mounts: readonly BindMount[], isDir: (p: string) => boolean): string {
  const used = mounts.flatMap((m) => (m.tmpfs ? [m.target] : [m.source, m.target]));
  const dir = STAGING_DIRS.find((d) => isDir(d) && !used.some((p) => isUnder(p, [d])));
  if (!dir) throw new Error(`no directory of ${STAGING_DIRS.join(', ')} is free to stage pod mounts in`);
  return dir;
}

const isRealDir = (p: string): boolean => {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Starts the holder and sets up its mounts; tears it down again on any failure. */
export async function startSandbox(spec: SandboxSpec): Promise<SandboxHandle> {
  const argv = sandboxArgv(spec);
  const child = spawn(argv[0] ?? 'unshare', argv.slice(1), { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error('cannot start the pod sandbox');
  const handle = await waitForExec(pid);
  try {
    const inNs = (a: string[]): string[] => ['nsenter', '-t', String(pid), '-m', '--', ...a];
    const privateDirs = PRIVATE_DIRS.filter((d) => !isSymlink(d)); // /var/run -> /run: covered once
    const staging = (): string => stagingDir(spec.mounts, isRealDir);
    for (const step of mountPlan(spec.mounts, { privateDirs, staging, resolve: realpathOr })) await run(inNs(step));
    if (!spec.hostNetwork && !spec.netnsPath) await run(['nsenter', '-t', String(pid), '-n', '--', 'ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    stopSandbox(handle);
    throw e;
  }
  return handle;
}

/** Waits (bounded) until the holder has exec'd sleep, i.e. its namespaces exist. */
async function waitForExec(pid: number): Promise<SandboxHandle> {
  for (let i = 0; i < 200; i++) {
    const start = procStartTime(pid);
    if (!start) break;
    try {
      if (readlinkSync(`/proc/${pid}/exe`).endsWith('/sleep')) return { pid, startTime: start };
    } catch {
      // not yet readable
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`pod sandbox process ${pid} did not start`);
}

/** Kills the holder; its mount namespace (and a private network namespace) go with the last member. */
export function stopSandbox(h: SandboxHandle): void {
  if (procStartTime(h.pid) !== h.startTime) return;
  for (const pid of namespaceMembers(h.pid)) signal(pid, 'SIGKILL');
  signal(h.pid, 'SIGKILL');
}

/** Other processes in the holder's mount namespace: what containers started outside their
 *  process group (libvirtd's QEMU), which must not outlive the pod. Never the agent's own namespace. */
export function namespaceMembers(holderPid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${holderPid}/ns/mnt`);
    if (ns === readlinkSync('/proc/self/ns/mnt')) return [];
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === holderPid) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/mnt`) === ns) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Whether the environment can make private mounts at all (root and util-linux present). */
export function sandboxSupported(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/nsenter');
}
