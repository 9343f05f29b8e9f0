// The guest's dynamically linked programs from Debian: the SSH server dropbear (with OpenSSH's
// sftp-server, which scp uses) and netcat-traditional (`nc.traditional -u`: UDP, which busybox's
// nc lacks), with the shared libraries they load, copied out of the extracted packages into the
// initramfs. init/rcS starts dropbear when cloud-init wrote authorized keys for root.
import { readFile, realpath } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { CpioEntry } from './cpio.js';
import { elfNeeds } from './elf.js';

/** Debian packages of the programs and of every library they load. */
export const PROGRAM_PACKAGES = ['dropbear-bin', 'openssh-sftp-server', 'netcat-traditional', 'libc6', 'libcrypt1', 'libtomcrypt1', 'libtommath1', 'libgmp10', 'zlib1g'] as const;

/** Programs copied into the guest: where each is in its package, and where it goes. dropbear
 *  looks for the SFTP server at /usr/lib/sftp-server (its Debian build's SFTPSERVER_PATH). */
export const GUEST_PROGRAMS: readonly { readonly from: string; readonly to: string }[] = [
  { from: 'usr/sbin/dropbear', to: 'usr/sbin/dropbear' },
  { from: 'usr/bin/dropbearkey', to: 'usr/bin/dropbearkey' },
  { from: 'usr/lib/openssh/sftp-server', to: 'usr/lib/sftp-server' },
  { from: 'bin/nc.traditional', to: 'usr/bin/nc.traditional' },
];

const LIB_DIR = 'lib/x86_64-linux-gnu';
const SEARCH = [LIB_DIR, 'usr/lib/x86_64-linux-gnu'];

/** Reads a file of the extracted tree, following its (relative) symlinks but never out of it. */
async function readInside(root: string, rel: string): Promise<Buffer | undefined> {
  const real = await realpath(join(root, rel)).catch(() => undefined);
  if (real === undefined) return undefined;
  const inside = relative(await realpath(root), real);
  if (inside.startsWith(`..${sep}`) || inside === '..') throw new Error(`${rel} points outside the extracted packages`);
  return readFile(real);
}

async function library(root: string, name: string): Promise<Buffer> {
  for (const dir of SEARCH) {
    const data = await readInside(root, join(dir, name));
    if (data) return data;
  }
  throw new Error(`shared library ${name} is in none of the packages ${PROGRAM_PACKAGES.join(', ')}`);
}

/** Initramfs entries for the programs, the closure of their libraries (by soname, in
 *  /lib/x86_64-linux-gnu), the loader's link, and /etc/dropbear for the SSH host key. */
export async function programEntries(root: string): Promise<CpioEntry[]> {
  const programs: CpioEntry[] = [];
  const libs = new Map<string, Buffer>();
  const queue: string[] = [];
  const interpreters = new Set<string>();
  const want = (needs: { interpreter?: string; needed: readonly string[] }): void => {
    if (needs.interpreter !== undefined) {
      interpreters.add(needs.interpreter);
      queue.push(basename(needs.interpreter));
    }
    queue.push(...needs.needed);
  };
  for (const p of GUEST_PROGRAMS) {
    const data = await readInside(root, p.from);
    if (!data) throw new Error(`${p.from} is missing from the extracted packages`);
    want(elfNeeds(data));
    programs.push({ type: 'file', path: p.to, mode: 0o755, data });
  }
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (libs.has(name)) continue;
    const data = await library(root, name);
    libs.set(name, data);
    want({ needed: elfNeeds(data).needed });
  }
  const entries: CpioEntry[] = [
    { type: 'dir', path: LIB_DIR, mode: 0o755 },
    { type: 'dir', path: 'lib64', mode: 0o755 },
    { type: 'dir', path: 'usr/lib', mode: 0o755 },
    { type: 'dir', path: 'etc/dropbear', mode: 0o700 },
    ...programs,
  ];
  for (const [name, data] of [...libs].sort(([a], [b]) => a.localeCompare(b))) entries.push({ type: 'file', path: `${LIB_DIR}/${name}`, mode: 0o755, data });
  for (const interp of [...interpreters].sort()) {
    const path = interp.replace(/^\/+/, '');
    if (path !== `${LIB_DIR}/${basename(interp)}`) entries.push({ type: 'symlink', path, target: `/${LIB_DIR}/${basename(interp)}` });
  }
  entries.push({ type: 'file', path: 'etc/nsswitch.conf', mode: 0o644, data: Buffer.from('passwd: files\ngroup: files\nshadow: files\n') });
  return entries;
}
