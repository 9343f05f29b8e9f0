/**
 * The root filesystem of a container run from a pulled image, built inside the pod sandbox's
 * mount namespace: an overlay (the shared unpacked image read-only below, a per-start writable
 * layer above), /proc, a minimal /dev, /etc/resolv.conf, /etc/hosts and /etc/hostname, and the
 * container's volumeMounts bound in. Symlinks in the image resolve inside the root, never out of it.
 */
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { ContainerConfigError } from './env.js';
import { run } from './procs.js';
import { fileTarget } from './sandbox.js';

/** Device nodes bound from the host into a container's /dev (as runc's default set). */
export const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;

export interface ContainerRootSpec {
  /** The image's unpacked rootfs (shared, never written). */
  readonly image: string;
  /** Per-container directory for the overlay: root/, upper/, work/. */
  readonly dir: string;
  /** Files to bind over /etc/<name> (resolv.conf, hosts, hostname). */
  readonly etc: Readonly<Record<string, string>>;
  /** Mount paths of the container's volumes, already mounted at the same path in the sandbox
   *  (`file`: a file mount, filled in by buildContainerRoot from the sandbox when unset). */
  readonly volumes: readonly { readonly path: string; readonly readOnly?: boolean; readonly file?: boolean }[];
  /** Created when the image lacks it, as runc does. */
  readonly workingDir?: string;
}

/**
 * Resolves `path` inside a root the way a chrooted process would see it: every symlink is
 * followed relative to the root, `..` stops at the root. `view` maps an in-root path to where
 * the agent can lstat it. Returns the resolved in-root path.
 */
export function resolveInRoot(path: string, view: (p: string) => string): string {
  const pending = path.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift() ?? '';
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = `/${[...done, part].join('/')}`;
    let target: string | undefined;
    try {
      if (lstatSync(view(candidate)).isSymbolicLink()) target = readlinkSync(view(candidate));
    } catch {
      // does not exist yet: created as a directory
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > 40) throw new ContainerConfigError(`too many levels of symbolic links in ${path}`);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return `/${done.join('/')}`;
}

/** The mount commands (argv arrays, run in the sandbox's mount namespace) that build the root. */
export function containerRootSteps(spec: ContainerRootSpec, resolve: (p: string) => string): string[][] {
  const root = posix.join(spec.dir, 'root');
  const at = (p: string): string => posix.join(root, resolve(p));
  const steps: string[][] = [
    ['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${spec.image},upperdir=${posix.join(spec.dir, 'upper')},workdir=${posix.join(spec.dir, 'work')}`, root],
    ['mkdir', '-p', at('/proc'), at('/dev'), at('/etc'), at('/tmp'), at(spec.workingDir ?? '/')],
    ['mount', '-t', 'proc', '-o', 'nosuid,nodev,noexec', 'proc', at('/proc')],
    ['mount', '-t', 'tmpfs', '-o', 'nosuid,mode=755,size=65536k', 'tmpfs', at('/dev')],
    ['mkdir', '-p', `${at('/dev')}/pts`, `${at('/dev')}/shm`],
    ...DEV_NODES.flatMap((d) => [['touch', `${at('/dev')}/${d}`], ['mount', '--bind', `/dev/${d}`, `${at('/dev')}/${d}`]]),
    ['mount', '--bind', '/dev/pts', `${at('/dev')}/pts`],
    ['mount', '-t', 'tmpfs', '-o', 'nosuid,nodev,mode=1777', 'shm', `${at('/dev')}/shm`],
    ['ln', '-sf', 'pts/ptmx', `${at('/dev')}/ptmx`],
    ['ln', '-sf', '/proc/self/fd', `${at('/dev')}/fd`],
    ['ln', '-sf', '/proc/self/fd/0', `${at('/dev')}/stdin`],
    ['ln', '-sf', '/proc/self/fd/1', `${at('/dev')}/stdout`],
    ['ln', '-sf', '/proc/self/fd/2', `${at('/dev')}/stderr`],
  ];
  for (const [name, source] of Object.entries(spec.etc)) {
    const target = at(`/etc/${name}`);
    steps.push(['rm', '-f', target], ['touch', target], ['mount', '--bind', source, target]);
  }
  for (const v of spec.volumes) {
    const target = at(v.path);
    steps.push(v.file ? fileTarget(target) : ['mkdir', '-p', target], ['mount', '--rbind', v.path, target]);
    if (v.readOnly) steps.push(['mount', '-o', 'remount,bind,ro', target]);
  }
  return steps;
}

/** Whether `path` is a directory (or missing) in the sandbox's mount namespace, seen through /proc. */
function isDirIn(sandboxPid: number, path: string): boolean {
  try {
    return statSync(`/proc/${sandboxPid}/root${path}`).isDirectory();
  } catch {
    return true;
  }
}

/**
 * Builds (or rebuilds, with a fresh writable layer) the container's root inside the sandbox
 * whose holder is `sandboxPid`; returns the root path to chroot into.
 */
export async function buildContainerRoot(sandboxPid: number, given: ContainerRootSpec): Promise<string> {
  const spec = { ...given, volumes: given.volumes.map((v) => ({ ...v, file: v.file ?? !isDirIn(sandboxPid, v.path) })) };
  const inNs = (a: readonly string[]): string[] => ['nsenter', '-t', String(sandboxPid), '-m', '--', ...a];
  const root = posix.join(spec.dir, 'root');
  await run(inNs(['umount', '-R', '-l', root])).catch(() => undefined);
  await run(inNs(['rm', '-rf', posix.join(spec.dir, 'upper'), posix.join(spec.dir, 'work')]));
  await run(inNs(['mkdir', '-p', root, posix.join(spec.dir, 'upper'), posix.join(spec.dir, 'work')]));
  const first = containerRootSteps(spec, (p) => p)[0] ?? [];
  await run(inNs(first));
  // Paths inside the image are resolved against the mounted overlay, as the agent sees it through /proc.
  const view = (p: string): string => `/proc/${sandboxPid}/root${root}${p}`;
  for (const step of containerRootSteps(spec, (p) => resolveInRoot(p, view)).slice(1)) await run(inNs(step));
  return root;
}
