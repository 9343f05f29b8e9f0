/**
 * Unix socket paths are limited to 107 bytes, but a launcher socket's host path is
 * `<data>/nodes/<node>/pods/<pod-uid>/volumes/private/launcher.sock` and data dirs can be long.
 * The handler dials such a socket through a short symlink to its directory (the kernel follows
 * symlinks in the directory part of a socket path): `<linkRoot>/<hash of the dir>/launcher.sock`.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** sun_path holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Where the short links live: /run/kubevirt-ts/sockets when writable (root), else under the temp dir. */
export function defaultLinkRoot(): string {
  for (const root of ['/run/kubevirt-ts/sockets', join(tmpdir(), `kubevirt-ts-sockets-${process.getuid?.() ?? 0}`)]) {
    try {
      mkdirSync(root, { recursive: true, mode: 0o700 });
      return root;
    } catch {
      // not writable here: try the next
    }
  }
  throw new Error('no writable directory for launcher socket links');
}

/** A path to dial for `socketPath`: itself when short enough, else through a symlink under `linkRoot`. */
export function dialPath(socketPath: string, linkRoot: () => string = defaultLinkRoot): string {
  if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES) return socketPath;
  const dir = dirname(socketPath);
  const root = linkRoot();
  const link = join(root, createHash('sha256').update(dir).digest('hex').slice(0, 24));
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== dir) {
    rmSync(link, { force: true });
    symlinkSync(dir, link);
  }
  const short = join(link, basename(socketPath));
  if (Buffer.byteLength(short) > MAX_SOCKET_PATH_BYTES) throw new Error(`launcher socket path ${socketPath} cannot be shortened below ${MAX_SOCKET_PATH_BYTES} bytes (link root ${root})`);
  return short;
}

/** Removes links whose target directory is gone (launcher pods that no longer exist); returns how many. */
export function pruneLinks(linkRoot: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(linkRoot);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = join(linkRoot, name);
    try {
      if (lstatSync(p).isSymbolicLink() && !existsSync(readlinkSync(p))) {
        rmSync(p, { force: true });
        removed += 1;
      }
    } catch {
      // raced with another handler: fine
    }
  }
  return removed;
}
