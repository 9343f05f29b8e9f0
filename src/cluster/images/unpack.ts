// Applies OCI layer tarballs to a rootfs directory, lowest layer first: whiteouts (`.wh.name`)
// and opaque directories (`.wh..wh..opq`) remove lower content; every path is resolved inside
// the rootfs (symlinks re-rooted, `..` entries rejected) so no entry writes outside it.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { UnsafeLayerError } from './errors.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_SYMLINK_HOPS = 40;

/** Splits a tar entry name into path components; rejects `..` (a path that climbs). */
export function entryComponents(name: string): string[] {
  const comps = name.split('/').filter((c) => c !== '' && c !== '.');
  if (comps.includes('..')) throw new UnsafeLayerError(`layer entry "${name}" contains "..": refusing to unpack outside the rootfs`);
  return comps;
}

/** Resolves directory components under root as if root were `/`: absolute symlink targets
 *  restart at root and `..` stops at it. Missing directories are created when `create` is set.
 *  Returns the resolved components (none of them a symlink). */
export async function resolveInRoot(root: string, comps: readonly string[], create: boolean): Promise<string[]> {
  const out: string[] = [];
  const queue = [...comps];
  let hops = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      out.pop();
      continue;
    }
    const p = join(root, ...out, c);
    const st = await lstat(p).catch(() => undefined);
    if (!st) {
      if (!create) throw new UnsafeLayerError(`/${[...out, c].join('/')} does not exist in the rootfs`);
      await mkdir(p, { mode: 0o755 });
      out.push(c);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_SYMLINK_HOPS) throw new UnsafeLayerError(`/${[...out, c].join('/')}: too many levels of symbolic links`);
      const target = await readlink(p);
      if (target.startsWith('/')) out.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (!st.isDirectory()) throw new UnsafeLayerError(`/${[...out, c].join('/')} is not a directory`);
    out.push(c);
  }
  return out;
}

/** An entry's content stream (a streamx Readable). */
type EntryStream = AsyncIterable<Buffer>;

async function drain(stream: EntryStream): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

const asRoot = process.getuid?.() === 0;

async function applyMeta(path: string, h: Header, isSymlink: boolean): Promise<void> {
  if (asRoot) await lchown(path, h.uid ?? 0, h.gid ?? 0);
  if (!isSymlink && h.mode !== undefined) await chmod(path, h.mode & 0o7777);
}

/** Layer-scoped state: paths written by this layer survive its own opaque markers. */
interface LayerState {
  readonly root: string;
  readonly written: Set<string>;
}

async function applyWhiteout(st: LayerState, parent: string, base: string): Promise<void> {
  if (base === OPAQUE) {
    const children = await readdir(parent).catch(() => []);
    for (const child of children) {
      const p = join(parent, child);
      if (!st.written.has(p)) await rm(p, { recursive: true, force: true });
    }
    return;
  }
  const victim = base.slice(WHITEOUT.length);
  if (victim === '' || victim === '.' || victim === '..') throw new UnsafeLayerError(`invalid whiteout "${base}"`);
  await rm(join(parent, victim), { recursive: true, force: true });
}

async function applyEntry(st: LayerState, h: Header, stream: EntryStream): Promise<void> {
  const comps = entryComponents(h.name);
  const base = comps.pop();
  if (base === undefined) return drain(stream); // the root itself
  const parent = join(st.root, ...(await resolveInRoot(st.root, comps, true)));
  if (base.startsWith(WHITEOUT)) {
    await applyWhiteout(st, parent, base);
    return drain(stream);
  }
  const path = join(parent, base);
  const existing = await lstat(path).catch(() => undefined);
  if (existing && !(h.type === 'directory' && existing.isDirectory())) await rm(path, { recursive: true, force: true });
  st.written.add(path);
  switch (h.type) {
    case 'directory':
      if (!existing?.isDirectory()) await mkdir(path, { mode: 0o755 });
      await applyMeta(path, h, false);
      return drain(stream);
    case 'file':
    case 'contiguous-file': {
      const fd = await open(path, 'wx', 0o600);
      await pipeline(stream, createWriteStream('', { fd: fd.fd, autoClose: false }));
      await fd.close();
      return applyMeta(path, h, false);
    }
    case 'symlink':
      await symlink(h.linkname ?? '', path);
      await applyMeta(path, h, true);
      return drain(stream);
    case 'link': {
      const target = entryComponents(h.linkname ?? '');
      const name = target.pop();
      if (name === undefined) throw new UnsafeLayerError(`hard link "${h.name}" has an empty target`);
      const dir = await resolveInRoot(st.root, target, false);
      await link(join(st.root, ...dir, name), path);
      return drain(stream);
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      st.written.delete(path);
      return drain(stream); // device nodes need mknod; images run without them
  }
}

/** Applies one layer tar stream (already decompressed) to root. */
export async function applyLayerStream(root: string, tar: NodeJS.ReadableStream): Promise<void> {
  const st: LayerState = { root, written: new Set() };
  const ex = extract();
  tar.on('error', (e: Error) => ex.destroy(e));
  tar.pipe(ex);
  for await (const entry of ex) {
    await applyEntry(st, entry.header, entry as unknown as EntryStream);
  }
}

async function magic(file: string): Promise<Buffer> {
  const fd = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fd.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}

/** Applies a layer blob file (gzip'd or plain tar, sniffed by its magic bytes) to root. */
export async function applyLayerFile(root: string, file: string): Promise<void> {
  const m = await magic(file);
  if (m.length >= 4 && m.readUInt32BE(0) === 0x28b52ffd) throw new UnsafeLayerError('zstd-compressed layers are not supported');
  const src = createReadStream(file);
  if (m[0] === 0x1f && m[1] === 0x8b) {
    const gunzip = createGunzip();
    src.on('error', (e) => gunzip.destroy(e));
    await applyLayerStream(root, src.pipe(gunzip));
    return;
  }
  await applyLayerStream(root, src);
}
