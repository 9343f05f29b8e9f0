/**
 * A private libvirtd (+ virtlogd) for one VM or one test. As root, libvirtd's QEMU driver uses
 * fixed system paths, so both daemons run in their own mount namespace where private host
 * directories are bind-mounted over those paths: several daemons coexist with no shared state,
 * and when the last process of the namespace exits its mounts vanish with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LibvirtConnection, type ConnectOptions } from './client.js';
import {
  bindSources,
  CONNECTION_DRIVER_DIRS,
  daemonLayout,
  driverDirLinks,
  libvirtdConf,
  NS_INIT_SCRIPT,
  privateDaemonUri,
  qemuConf,
  SYSTEM_PATHS,
  virtlogdConf,
  type DaemonLayout,
} from './daemon-config.js';
import { LibvirtError, VIR_ERR_OPERATION_TIMEOUT, VIR_ERR_SYSTEM_ERROR } from './errors.js';

export const LIBVIRTD_BINARY = '/usr/sbin/libvirtd';
export const VIRTLOGD_BINARY = '/usr/sbin/virtlogd';
// As root both daemons default to pid files directly in /run, which private daemons would share.
const LIBVIRTD_ARGS = [LIBVIRTD_BINARY, '-f', '/etc/libvirt/libvirtd.conf', '-p', '/run/libvirt/libvirtd.pid'];
const VIRTLOGD_ARGS = [VIRTLOGD_BINARY, '-f', '/etc/libvirt/virtlogd.conf', '-p', '/run/libvirt/virtlogd.pid'];

/** Options of startPrivateLibvirtd. */
export interface PrivateLibvirtdOptions {
  /** State directory (created if missing). Default: a new temp dir, removed by stop(). */
  readonly dir?: string;
  /**
   * Directory for QEMU's capabilities cache. Probing QEMU takes seconds on the first domain
   * definition, so callers starting many daemons may share one; default: private.
   */
  readonly capsCacheDir?: string;
  /** Run virtlogd for QEMU's logs (default true); false writes them directly to files. */
  readonly virtlogd?: boolean;
  /** Deadline for the daemon to answer, in ms (default 20 s). */
  readonly startTimeoutMs?: number;
  /** Extra qemu.conf lines. */
  readonly extraQemuConf?: string;
  /**
   * The connection drivers libvirtd loads (e.g. ['qemu']: no network, storage, nodedev, secret,
   * interface or nwfilter driver, which cost start-up CPU and threads a one-VM daemon never uses).
   * Default: every installed driver. Ignored where the modules are not found.
   */
  readonly drivers?: readonly string[];
}

/** A running private daemon. */
export interface PrivateLibvirtd {
  /** Host paths of the daemon's state (socket, QEMU logs under logDir/qemu, ...). */
  readonly layout: DaemonLayout;
  /** The read-write libvirt socket. */
  readonly socketPath: string;
  /** qemu:///system?socket=... for virsh and other libvirt clients. */
  readonly uri: string;
  readonly pid: number;
  readonly virtlogdPid: number | null;
  /** The daemons' mount namespace, as /proc/<pid>/ns/mnt reads ("mnt:[4026532...]"). */
  readonly mountNamespace: string;
  /** Resolves when libvirtd exits, for whatever reason (stop() or a crash). */
  readonly exited: Promise<void>;
  /** Opens a new LibvirtConnection to this daemon. */
  connect(opts?: ConnectOptions): Promise<LibvirtConnection>;
  /** PIDs of every process in the daemon's mount namespace (libvirtd, virtlogd, QEMU...); none once stop() has succeeded. */
  processes(): number[];
  /** PID of a running domain's QEMU (from libvirt's pid file), or null when it is not running. */
  qemuPid(domainName: string): number | null;
  /**
   * Stops virtlogd and libvirtd (SIGTERM, then SIGKILL after timeoutMs), kills what is left in the
   * namespace (QEMU), verifies nothing remains and removes a temp state dir.
   */
  stop(opts?: { readonly timeoutMs?: number }): Promise<void>;
}

/** True when libvirtd and util-linux's unshare/nsenter are installed. */
export function libvirtdInstalled(): boolean {
  return [LIBVIRTD_BINARY, VIRTLOGD_BINARY, '/usr/bin/unshare', '/usr/bin/nsenter'].every((p) => existsSync(p));
}

function daemonError(message: string, cause?: unknown): LibvirtError {
  return new LibvirtError({ code: VIR_ERR_SYSTEM_ERROR, message }, cause === undefined ? undefined : { cause });
}

function readNs(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null; // gone, or a zombie
  }
}

/** The executable a process runs (resolved), or null when it is gone. */
function exeOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/** PIDs of live processes whose mount namespace is `ns` (never our own namespace). */
export function processesInNamespace(ns: string): number[] {
  if (ns === readNs(process.pid)) throw daemonError(`refusing to list processes of our own mount namespace ${ns}`);
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (readNs(pid) === ns) out.push(pid);
  }
  return out;
}

/** Polls `cond` every `stepMs` until it returns a value other than undefined, or the deadline passes. */
async function waitFor<T>(what: string, deadlineMs: number, cond: () => Promise<T | undefined> | T | undefined, stepMs = 50): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await cond();
    if (v !== undefined) return v;
    if (Date.now() >= end) throw new LibvirtError({ code: VIR_ERR_OPERATION_TIMEOUT, message: `timed out after ${deadlineMs} ms waiting for ${what}` });
    await delay(stepMs);
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

interface Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  readonly name: string;
  readonly log: string;
}

function spawnLogged(name: string, argv: readonly string[], log: string, env: Readonly<Record<string, string>> = {}): Child {
  const fd = openSync(log, 'a');
  try {
    const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', ...env } });
    const exited = new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.once('error', () => resolve());
    });
    return { proc, exited, name, log };
  } finally {
    closeSync(fd);
  }
}

function hasExited(c: Child): boolean {
  return c.proc.exitCode !== null || c.proc.signalCode !== null;
}

/** Links the chosen driver modules into the layout's driver dir; libvirtd's environment for it ({} for all drivers). */
function prepareDriverDir(l: DaemonLayout, drivers: readonly string[] | undefined): Record<string, string> {
  const links = drivers ? driverDirLinks(drivers, CONNECTION_DRIVER_DIRS, existsSync) : null;
  if (!links) return {};
  rmSync(l.driverDir, { recursive: true, force: true });
  mkdirSync(l.driverDir, { recursive: true, mode: 0o700 });
  for (const [name, target] of links) symlinkSync(target, join(l.driverDir, name));
  return { LIBVIRT_DRIVER_DIR: l.driverDir };
}

function prepareDirs(l: DaemonLayout, opts: PrivateLibvirtdOptions, virtlogd: boolean): void {
  for (const d of [l.etcDir, l.runDir, l.libDir, l.logDir, l.cacheDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(join(l.etcDir, 'libvirtd.conf'), libvirtdConf());
  writeFileSync(join(l.etcDir, 'virtlogd.conf'), virtlogdConf());
  writeFileSync(join(l.etcDir, 'qemu.conf'), qemuConf({ virtlogd, extra: opts.extraQemuConf }));
  writeFileSync(l.initScript, NS_INIT_SCRIPT, { mode: 0o700 });
  // Mount points must exist on the host; /run/libvirt is the one a stock install may lack.
  for (const p of SYSTEM_PATHS) mkdirSync(p, { recursive: true });
}

/** Starts a private libvirtd (and virtlogd) and resolves once its socket answers libvirt calls. */
export async function startPrivateLibvirtd(opts: PrivateLibvirtdOptions = {}): Promise<PrivateLibvirtd> {
  if (!libvirtdInstalled()) throw daemonError(`libvirtd is not installed (${LIBVIRTD_BINARY})`);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kvts-libvirtd-'));
  const layout = daemonLayout(dir, opts.capsCacheDir);
  const useVirtlogd = opts.virtlogd ?? true;
  const timeoutMs = opts.startTimeoutMs ?? 20_000;
  prepareDirs(layout, opts, useVirtlogd);
  const libvirtdEnv = prepareDriverDir(layout, opts.drivers);

  const ownNs = readNs(process.pid);
  const nsInit = ['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', layout.initScript, ...bindSources(layout)];
  const children: Child[] = [];
  let ns: string | undefined;
  let nsFd: number | undefined;
  const failIfExited = (c: Child): void => {
    if (hasExited(c)) throw daemonError(`${c.name} exited during startup (code ${c.proc.exitCode ?? c.proc.signalCode}): ${tail(c.log)}`);
  };
  try {
    // The first process sets up the namespace and holds it; the second joins it with nsenter.
    const first = useVirtlogd
      ? spawnLogged('virtlogd', [...nsInit, ...VIRTLOGD_ARGS], layout.virtlogdLog)
      : spawnLogged('libvirtd', [...nsInit, ...LIBVIRTD_ARGS], layout.libvirtdLog, libvirtdEnv);
    children.push(first);
    // The init script execs the daemon only once its bind mounts are in place, so libvirtd may join
    // the namespace then, while virtlogd is still creating its socket (QEMU needs it only later).
    const firstBinary = realpathSync(useVirtlogd ? VIRTLOGD_BINARY : LIBVIRTD_BINARY);
    await waitFor(`${first.name} to start in its namespace`, timeoutMs, () => {
      failIfExited(first);
      return exeOf(first.proc.pid!) === firstBinary ? true : undefined;
    }, 5);
    // Held open until stop(): a namespace whose processes have all exited is freed and its inode
    // number reused by the next `unshare --mount` on the machine (another pod's daemons), which
    // stop()'s sweep of "processes in our namespace" would otherwise kill.
    nsFd = pinNamespace(first.proc.pid!);
    ns = nsFd === undefined ? undefined : readlinkSync(`/proc/self/fd/${nsFd}`);
    if (!ns || ns === ownNs) throw daemonError(`${first.name} is not in a private mount namespace`);
    let libvirtd = first;
    if (useVirtlogd) {
      libvirtd = spawnLogged('libvirtd', ['/usr/bin/nsenter', `--target=${first.proc.pid}`, '--mount', '--', ...LIBVIRTD_ARGS], layout.libvirtdLog, libvirtdEnv);
      children.push(libvirtd);
    }
    const virtlogdUp = useVirtlogd
      ? waitFor(`virtlogd socket ${layout.virtlogdSocketPath}`, timeoutMs, () => {
        failIfExited(first);
        return existsSync(layout.virtlogdSocketPath) ? true : undefined;
      }, 10)
      : Promise.resolve(true);
    const libvirtdUp = waitFor(`libvirtd to answer on ${layout.socketPath}`, timeoutMs, async () => {
      failIfExited(libvirtd);
      if (!existsSync(layout.socketPath)) return undefined;
      try {
        const c = await LibvirtConnection.connect(layout.socketPath, { keepaliveIntervalMs: 0, connectTimeoutMs: 2000 });
        await c.getLibVersion();
        await c.close();
        return true;
      } catch {
        return undefined;
      }
    }, 10);
    await Promise.all([virtlogdUp, libvirtdUp]);
    return makeHandle(layout, { ns, fd: nsFd! }, libvirtd, useVirtlogd ? first : null, ownDir);
  } catch (err) {
    await stopAll(children, ns, 2000).catch(() => undefined);
    if (nsFd !== undefined) closeSync(nsFd);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function stopAll(children: readonly Child[], ns: string | undefined, timeoutMs: number): Promise<void> {
  for (const c of children) if (!hasExited(c)) c.proc.kill('SIGTERM');
  const all = Promise.all(children.map((c) => c.exited));
  const timer = delay(timeoutMs).then(() => 'timeout' as const);
  if ((await Promise.race([all, timer])) === 'timeout') {
    for (const c of children) if (!hasExited(c)) c.proc.kill('SIGKILL');
    await all;
  }
  if (!ns) return;
  // QEMU outlives libvirtd by design; nothing of this daemon may outlive stop().
  for (const pid of processesInNamespace(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitFor(`processes of ${ns} to exit`, timeoutMs, () => (processesInNamespace(ns).length === 0 ? true : undefined));
}

/** An open fd on a process's mount namespace (keeps it, and its inode number, alive), or undefined when it is gone. */
function pinNamespace(pid: number): number | undefined {
  try {
    return openSync(`/proc/${pid}/ns/mnt`, 'r');
  } catch {
    return undefined;
  }
}

function makeHandle(layout: DaemonLayout, pinned: { readonly ns: string; readonly fd: number }, libvirtd: Child, virtlogd: Child | null, ownDir: boolean): PrivateLibvirtd {
  const { ns } = pinned;
  let stopped: Promise<void> | undefined;
  // Once stop() has verified the namespace empty and unpinned it, its name may be another's: nothing of ours is left.
  let gone = false;
  const children = virtlogd ? [libvirtd, virtlogd] : [libvirtd];
  return {
    layout,
    socketPath: layout.socketPath,
    uri: privateDaemonUri(layout.socketPath),
    pid: libvirtd.proc.pid!,
    virtlogdPid: virtlogd?.proc.pid ?? null,
    mountNamespace: ns,
    exited: libvirtd.exited,
    connect: (opts) => LibvirtConnection.connect(layout.socketPath, opts),
    processes: () => (gone ? [] : processesInNamespace(ns)),
    qemuPid: (name) => {
      try {
        const pid = Number(readFileSync(join(layout.runDir, 'qemu', `${name}.pid`), 'utf8').trim());
        return Number.isInteger(pid) && pid > 0 && readNs(pid) === ns ? pid : null;
      } catch {
        return null;
      }
    },
    stop: (opts) => {
      stopped ??= (async () => {
        let left: number[];
        try {
          await stopAll(children, ns, opts?.timeoutMs ?? 10_000);
          left = processesInNamespace(ns);
        } finally {
          closeSync(pinned.fd);
        }
        if (left.length > 0) throw daemonError(`processes ${left.join(', ')} still run in ${ns}`);
        gone = true;
        if (ownDir) rmSync(layout.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
