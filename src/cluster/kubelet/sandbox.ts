/**
 * The pod sandbox: a detached `sleep infinity` holding the pod's private mount namespace (and
 * its network namespace: PodNetwork's, a fresh loopback-only one, or the host's for
 * hostNetwork). Containers join it with nsenter. Mounts are made with argv arrays only.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { procStartTime, run, signal } from './procs.js';

/** Directories every pod gets as private tmpfs (issue 3). */
export const PRIVATE_DIRS = ['/run', '/tmp', '/var/run', '/var/lib/libvirt', '/var/log/libvirt'] as const;

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
  /** Mount a fresh tmpfs here instead of binding (emptyDir medium Memory). */
  readonly tmpfs?: boolean;
  /** The source is a file: the target file must exist already (no directory is made). */
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
    for (const dir of PRIVATE_DIRS) {
      if (isSymlink(dir)) continue; // /var/run -> /run: covered once
      await run(inNs(['mkdir', '-p', dir]));
      await run(inNs(['mount', '-t', 'tmpfs', '-o', 'mode=755,size=64m', 'tmpfs', dir]));
    }
    for (const m of spec.mounts) {
      if (!m.file) await run(inNs(['mkdir', '-p', m.target]));
      if (m.tmpfs) await run(inNs(['mount', '-t', 'tmpfs', '-o', 'mode=777', 'tmpfs', m.target]));
      else await run(inNs(['mount', '--bind', m.source, m.target]));
      if (m.readOnly) await run(inNs(['mount', '-o', 'remount,bind,ro', m.target]));
    }
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
