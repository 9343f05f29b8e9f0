/**
 * Configuration files and directory layout of a private libvirtd (+ virtlogd). Pure: given the
 * options, returns file contents and the bind mounts that replace libvirt's fixed system paths.
 */
import { join } from 'node:path';

/** Where the private daemon keeps its state on the host; each dir is bind-mounted in its namespace. */
export interface DaemonLayout {
  readonly dir: string;
  /** Mounted on /etc/libvirt: config files and persistent domain definitions. */
  readonly etcDir: string;
  /** Mounted on /run/libvirt: sockets, pid files, running-domain state. */
  readonly runDir: string;
  /** Mounted on /var/lib/libvirt: per-domain dirs (monitor sockets, channels, nvram). */
  readonly libDir: string;
  /** Mounted on /var/log/libvirt: QEMU logs (qemu/<domain>.log). */
  readonly logDir: string;
  /** Mounted on /var/cache/libvirt: QEMU capabilities cache (may be shared between daemons). */
  readonly cacheDir: string;
  /** The init script run inside the namespace. */
  readonly initScript: string;
  /** The daemons' own stderr logs. */
  readonly libvirtdLog: string;
  readonly virtlogdLog: string;
  /** The read-write socket clients connect to (host path). */
  readonly socketPath: string;
  readonly virtlogdSocketPath: string;
  /** LIBVIRT_DRIVER_DIR of a daemon restricted to some connection drivers: links to just those modules. */
  readonly driverDir: string;
}

/** The fixed system paths libvirtd's privileged QEMU driver uses, in init-script argument order. */
export const SYSTEM_PATHS = ['/etc/libvirt', '/run/libvirt', '/var/lib/libvirt', '/var/log/libvirt', '/var/cache/libvirt'] as const;

export function daemonLayout(dir: string, sharedCacheDir?: string): DaemonLayout {
  const runDir = join(dir, 'run');
  return {
    dir,
    etcDir: join(dir, 'etc'),
    runDir,
    libDir: join(dir, 'lib'),
    logDir: join(dir, 'log'),
    cacheDir: sharedCacheDir ?? join(dir, 'cache'),
    initScript: join(dir, 'ns-init.sh'),
    libvirtdLog: join(dir, 'libvirtd.log'),
    virtlogdLog: join(dir, 'virtlogd.log'),
    socketPath: join(runDir, 'libvirt-sock'),
    virtlogdSocketPath: join(runDir, 'virtlogd-sock'),
    driverDir: join(dir, 'drivers'),
  };
}

/** Host directories to bind over SYSTEM_PATHS, same order. */
export function bindSources(l: DaemonLayout): readonly string[] {
  return [l.etcDir, l.runDir, l.libDir, l.logDir, l.cacheDir];
}

/**
 * The init script: binds the private dirs ($1..$5) over the system paths, then execs the daemon
 * given as the remaining arguments. Fixed text; every path arrives as an argument, never as code.
 */
export const NS_INIT_SCRIPT = `#!/bin/sh
# Runs in a private mount namespace (unshare --mount --propagation private).
set -eu
mount --bind "$1" ${SYSTEM_PATHS[0]}
mount --bind "$2" ${SYSTEM_PATHS[1]}
mount --bind "$3" ${SYSTEM_PATHS[2]}
mount --bind "$4" ${SYSTEM_PATHS[3]}
mount --bind "$5" ${SYSTEM_PATHS[4]}
shift 5
exec "$@"
`;

/** libvirtd.conf: unix sockets only, no TCP/TLS, no authentication, owner-only permissions. */
export function libvirtdConf(): string {
  return [
    'listen_tls = 0',
    'listen_tcp = 0',
    `unix_sock_dir = "${SYSTEM_PATHS[1]}"`,
    'unix_sock_ro_perms = "0700"',
    'unix_sock_rw_perms = "0700"',
    'unix_sock_admin_perms = "0700"',
    'auth_unix_ro = "none"',
    'auth_unix_rw = "none"',
    'min_workers = 2',
    'max_workers = 10',
    'prio_workers = 2',
    'keepalive_interval = 5',
    'keepalive_count = 5',
    'log_outputs = "3:stderr"',
    '',
  ].join('\n');
}

/** virtlogd.conf: warnings and errors to stderr. */
export function virtlogdConf(): string {
  return ['log_outputs = "3:stderr"', ''].join('\n');
}

/**
 * qemu.conf: QEMU runs as root with no security driver, no ownership changes, no cgroups and no
 * per-VM mount namespace (none of which work, or are needed, inside a pod or a test).
 */
export function qemuConf(opts: { readonly virtlogd: boolean; readonly extra?: string }): string {
  const lines = [
    'user = "root"',
    'group = "root"',
    'security_driver = "none"',
    'dynamic_ownership = 0',
    'remember_owner = 0',
    'cgroup_controllers = [ ]',
    'namespaces = [ ]',
    `stdio_handler = "${opts.virtlogd ? 'logd' : 'file'}"`,
  ];
  if (opts.extra) lines.push(opts.extra.trimEnd());
  lines.push('');
  return lines.join('\n');
}

/** The libvirt URI that reaches a private daemon through its socket (for virsh and libvirt clients). */
export function privateDaemonUri(socketPath: string): string {
  return `qemu:///system?socket=${socketPath}`;
}

/** Where distributions install libvirt's connection driver modules (libvirt_driver_<name>.so), most specific first. */
export const CONNECTION_DRIVER_DIRS = [
  '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver',
  '/usr/lib/aarch64-linux-gnu/libvirt/connection-driver',
  '/usr/lib64/libvirt/connection-driver',
  '/usr/lib/libvirt/connection-driver',
] as const;

/** The module file libvirtd loads for a connection driver (qemu, network, storage, nodedev, secret, ...). */
export const driverModule = (name: string): string => `libvirt_driver_${name}.so`;

/**
 * The symlinks (link name -> target) of a driver dir holding only `drivers`, taken from the first of
 * `installedDirs` that has all of them (`has` checks a path); null when none has them all. libvirtd
 * skips a driver whose module is missing from LIBVIRT_DRIVER_DIR, so pointing it at this dir loads
 * only these, as upstream's virt-launcher runs virtqemud (the QEMU driver alone) rather than libvirtd.
 */
export function driverDirLinks(drivers: readonly string[], installedDirs: readonly string[], has: (path: string) => boolean): ReadonlyMap<string, string> | null {
  const dir = installedDirs.find((d) => drivers.every((n) => has(join(d, driverModule(n)))));
  return dir === undefined ? null : new Map(drivers.map((n) => [driverModule(n), join(dir, driverModule(n))]));
}
