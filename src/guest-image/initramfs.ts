// Assembles the guest's initramfs: busybox (with a link per applet), the chosen kernel modules
// and their load list, the init scripts from init/, and the few device nodes init needs before
// devtmpfs is mounted. Pure: takes file contents, returns cpio entries.
import type { CpioEntry } from './cpio.js';

/** A kernel module to ship: its basename in /lib/modules/<version>/ and its (uncompressed) bytes. */
export interface ModuleFile {
  readonly name: string;
  readonly data: Buffer;
}

/** Everything that goes into the initramfs. */
export interface InitramfsInput {
  readonly busybox: Buffer;
  /** Applet paths busybox reports (`busybox --list-full`), e.g. "sbin/init". */
  readonly applets: readonly string[];
  readonly kernelVersion: string;
  /** Modules in load order. */
  readonly modules: readonly ModuleFile[];
  /** Files of init/ by name (inittab, rcS, rcK, profile, seed, udhcpc.script, power-button). */
  readonly initFiles: ReadonlyMap<string, Buffer>;
  /** More entries appended last (their own directories first), e.g. the SSH server's. */
  readonly extra?: readonly CpioEntry[];
}

/** Where each init/ file goes in the guest and with which mode. */
export const INIT_FILE_PLACES: ReadonlyMap<string, { readonly path: string; readonly mode: number }> = new Map([
  ['inittab', { path: 'etc/inittab', mode: 0o644 }],
  ['profile', { path: 'etc/profile', mode: 0o644 }],
  ['rcS', { path: 'etc/init.d/rcS', mode: 0o755 }],
  ['rcK', { path: 'etc/init.d/rcK', mode: 0o755 }],
  ['seed', { path: 'etc/init.d/seed', mode: 0o755 }],
  ['udhcpc.script', { path: 'etc/udhcpc/default.script', mode: 0o755 }],
  ['power-button', { path: 'etc/acpi/PWRF/00000080', mode: 0o755 }],
]);

const DIRS = [
  'bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'etc/init.d', 'etc/udhcpc',
  'etc/acpi', 'etc/acpi/PWRF', 'lib', 'lib/modules', 'proc', 'sys', 'dev', 'run', 'tmp', 'mnt',
  'var', 'var/www', 'var/log',
];

function text(path: string, body: string, mode = 0o644): CpioEntry {
  return { type: 'file', path, mode, data: Buffer.from(body) };
}

/** The cpio entries of the initramfs, directories first. */
export function initramfsEntries(input: InitramfsInput): CpioEntry[] {
  const modDir = `lib/modules/${input.kernelVersion}`;
  const entries: CpioEntry[] = DIRS.map((path) => ({ type: 'dir', path, mode: path === 'tmp' ? 0o1777 : 0o755 }));
  entries.push({ type: 'dir', path: 'root', mode: 0o700 }, { type: 'dir', path: modDir, mode: 0o755 });
  entries.push(
    { type: 'char', path: 'dev/console', mode: 0o600, major: 5, minor: 1 },
    { type: 'char', path: 'dev/null', mode: 0o666, major: 1, minor: 3 },
    { type: 'char', path: 'dev/ttyS0', mode: 0o600, major: 4, minor: 64 },
    { type: 'char', path: 'dev/tty1', mode: 0o600, major: 4, minor: 1 },
  );
  entries.push({ type: 'file', path: 'bin/busybox', mode: 0o755, data: input.busybox });
  for (const applet of input.applets) {
    const path = applet.replace(/^\/+/, '');
    if (path === 'bin/busybox' || !DIRS.includes(path.slice(0, path.lastIndexOf('/')))) continue;
    entries.push({ type: 'symlink', path, target: '/bin/busybox' });
  }
  entries.push({ type: 'symlink', path: 'init', target: '/bin/busybox' });
  entries.push({ type: 'symlink', path: 'var/run', target: '/run' });
  for (const [name, place] of INIT_FILE_PLACES) {
    const data = input.initFiles.get(name);
    if (data === undefined) throw new Error(`init file ${JSON.stringify(name)} is missing`);
    entries.push({ type: 'file', path: place.path, mode: place.mode, data });
  }
  for (const m of input.modules) entries.push({ type: 'file', path: `${modDir}/${m.name}`, mode: 0o644, data: m.data });
  entries.push(text('lib/modules/load.list', input.modules.map((m) => `/${modDir}/${m.name}\n`).join('')));
  entries.push(
    text('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
    text('etc/shadow', 'root::0:0:99999:7:::\n', 0o600),
    text('etc/group', 'root:x:0:\n'),
    text('etc/hostname', 'kubevirt-ts-guest\n'),
    text('etc/os-release', `NAME="kubevirt-ts test guest"\nID=kubevirt-ts-guest\nVERSION_ID="${input.kernelVersion}"\n`),
  );
  entries.push(...(input.extra ?? []));
  return entries;
}
