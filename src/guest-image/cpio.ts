// Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs. Pure and
// reproducible: every entry is owned by root with mtime 0, so equal inputs give equal bytes.

/** One archive member; directories must come before what they contain. */
export type CpioEntry =
  | { readonly type: 'dir'; readonly path: string; readonly mode: number }
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly data: Buffer }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string }
  | { readonly type: 'char'; readonly path: string; readonly mode: number; readonly major: number; readonly minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4);
}

function member(ino: number, name: string, mode: number, nlink: number, data: Buffer, rdev: [number, number]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  const head = Buffer.concat([header, nameBytes]);
  return Buffer.concat([head, pad4(head.length), data, pad4(data.length)]);
}

function encode(entry: CpioEntry, ino: number): Buffer {
  const name = entry.path.replace(/^\/+/, '');
  switch (entry.type) {
    case 'dir':
      return member(ino, name, S_IFDIR | entry.mode, 2, Buffer.alloc(0), [0, 0]);
    case 'file':
      return member(ino, name, S_IFREG | entry.mode, 1, entry.data, [0, 0]);
    case 'symlink':
      return member(ino, name, S_IFLNK | 0o777, 1, Buffer.from(entry.target, 'utf8'), [0, 0]);
    case 'char':
      return member(ino, name, S_IFCHR | entry.mode, 1, Buffer.alloc(0), [entry.major, entry.minor]);
  }
}

/** Serialises entries (in order) followed by the TRAILER!!! member. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.map((e, i) => encode(e, i + 1));
  parts.push(member(0, 'TRAILER!!!', 0, 1, Buffer.alloc(0), [0, 0]));
  return Buffer.concat(parts);
}
