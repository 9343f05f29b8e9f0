/**
 * The pod sandbox: a detached `sleep infinity` holding the pod's private mount namespace (and
 * its network namespace: PodNetwork's, a fresh loopback-only one, or the host's for
 * hostNetwork). The holder makes the pod's mounts itself before it sleeps (argv arrays only, no
 * user data in script text); containers join it with nsenter.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { procStartTime, signal } from './procs.js';

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

/**
 * The holder's script: runs the steps (each given as its length, then its argv: user data only in
 * argv; their output to stderr), says `ready` and becomes `sleep infinity`; on a failing step it names the step's index
 * on stderr and exits. One process sets up the whole sandbox instead of one nsenter per step.
 */
export const HOLDER_SCRIPT = [
  'k=0',
  'while [ "$#" -gt 0 ]; do',
  '  n=$1; shift; cmd=; i=1',
  '  while [ "$i" -le "$n" ]; do cmd="$cmd \\"\\${$i}\\""; i=$((i + 1)); done',
  '  if ! eval "$cmd" >&2; then echo "step-failed $k" >&2; exit 1; fi',
  '  shift "$n"; k=$((k + 1))',
  'done',
  'echo ready',
  'exec sleep infinity </dev/null >/dev/null 2>&1',
].join('\n');

/** HOLDER_SCRIPT's arguments for `steps`. */
export function holderArgs(steps: readonly (readonly string[])[]): string[] {
  return steps.flatMap((step) => [String(step.length), ...step]);
}

/** The argv that starts a sandbox holder process running `steps` in its new namespaces. */
export function sandboxArgv(spec: SandboxSpec, steps: readonly (readonly string[])[] = []): string[] {
  const unshare = ['unshare', '--mount', '--propagation', 'private'];
  if (!spec.hostNetwork && !spec.netnsPath) unshare.push('--net');
  const holder = [...unshare, '--', '/bin/sh', '-c', HOLDER_SCRIPT, 'sandbox', ...holderArgs(steps)];
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

/** The sandbox's setup steps, run by its holder: mounts, then lo up in a fresh network namespace. */
export function sandboxSteps(spec: SandboxSpec): string[][] {
  const privateDirs = PRIVATE_DIRS.filter((d) => !isSymlink(d)); // /var/run -> /run: covered once
  const staging = (): string => stagingDir(spec.mounts, isRealDir);
  const steps = mountPlan(spec.mounts, { privateDirs, staging, resolve: realpathOr });
  if (!spec.hostNetwork && !spec.netnsPath) steps.push(['ip', 'link', 'set', 'lo', 'up']);
  return steps;
}

/** Runs `argv` (a holder: HOLDER_SCRIPT) detached; resolves its pid once it says ready, rejects with the failed step. */
export function startHolder(argv: readonly string[], steps: readonly (readonly string[])[], timeoutMs = 30_000): Promise<number> {
  const child = spawn(argv[0] ?? 'unshare', argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise<number>((resolve, reject) => {
    const done = (e?: Error): void => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      if (e) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(e);
      } else resolve(child.pid ?? 0);
    };
    const timer = setTimeout(() => done(new Error(`pod sandbox process ${child.pid ?? '?'} did not start in ${timeoutMs} ms`)), timeoutMs);
    child.once('error', (e) => done(new Error(`cannot start the pod sandbox: ${e.message}`)));
    child.stdout.on('end', () => {
      if (/(^|\n)ready\n$/.test(out) && child.pid) return done();
      // The holder failed: wait for its exit so all of stderr is in.
      child.once('close', () => {
        const m = /step-failed (\d+)\s*$/.exec(err);
        const step = m ? steps[Number(m[1])] : undefined;
        const detail = err.replace(/step-failed \d+\s*$/, '').trim();
        done(new Error(step ? `${step.join(' ')}: ${detail || 'failed'}` : `pod sandbox setup failed: ${detail || `exit ${String(child.exitCode)}`}`));
      });
    });
  });
}

/** Starts the holder, which sets up its mounts (and loopback) itself; it is gone again on any failure. */
export async function startSandbox(spec: SandboxSpec): Promise<SandboxHandle> {
  const steps = sandboxSteps(spec);
  const pid = await startHolder(sandboxArgv(spec, steps), steps);
  const startTime = procStartTime(pid);
  if (!startTime) throw new Error(`pod sandbox process ${pid} exited`);
  return { pid, startTime };
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
