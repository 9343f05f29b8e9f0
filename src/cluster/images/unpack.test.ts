import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { extractSingleDisk } from './disk.js';
import { UnsafeLayerError } from './errors.js';
import { applyLayerFile, applyLayerStream, entryComponents } from './unpack.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; linkname?: string; mode?: number };

async function tar(entries: readonly Entry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (b: unknown) => chunks.push(b as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) };
    if (type === 'file') p.entry({ ...header, size: Buffer.byteLength(e.body ?? '') }, e.body ?? '');
    else p.entry(header);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function withDirs(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'kvts-unpack-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await Promise.all([mkdir(root), mkdir(outside)]);
  try {
    await fn(root, outside);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

const apply = async (root: string, entries: readonly Entry[]): Promise<void> => applyLayerStream(root, Readable.from([await tar(entries)]));

test('entryComponents drops . and empty parts and rejects ..', () => {
  assert.deepEqual(entryComponents('./a//b/./c'), ['a', 'b', 'c']);
  assert.deepEqual(entryComponents('/abs/x'), ['abs', 'x']);
  for (const bad of ['../x', 'a/../../x', 'a/..']) assert.throws(() => entryComponents(bad), UnsafeLayerError, bad);
});

test('applyLayer writes files, modes, directories, symlinks and hard links', async () => {
  await withDirs(async (root) => {
    await apply(root, [
      { name: 'bin/', type: 'directory' },
      { name: 'bin/tool', body: '#!/bin/sh\n', mode: 0o755 },
      { name: 'etc/conf', body: 'x=1' },
      { name: 'usr/bin/tool', type: 'link', linkname: 'bin/tool' },
      { name: 'link', type: 'symlink', linkname: '/etc/conf' },
    ]);
    assert.equal(await readFile(join(root, 'bin/tool'), 'utf8'), '#!/bin/sh\n');
    assert.equal((await stat(join(root, 'bin/tool'))).mode & 0o777, 0o755);
    assert.equal(await readFile(join(root, 'etc/conf'), 'utf8'), 'x=1');
    assert.equal((await stat(join(root, 'usr/bin/tool'))).ino, (await stat(join(root, 'bin/tool'))).ino);
    assert.equal(await readlink(join(root, 'link')), '/etc/conf');
  });
});

test('whiteouts remove lower files and opaque dirs hide lower content but keep their own layer', async () => {
  await withDirs(async (root) => {
    await apply(root, [
      { name: 'a/x', body: '1' },
      { name: 'a/y', body: '2' },
      { name: 'b/deep/z', body: '3' },
      { name: 'd/old', body: 'old' },
    ]);
    await apply(root, [
      { name: 'a/.wh.x' },
      { name: '.wh.b' },
      { name: 'd/new', body: 'new' },
      { name: 'd/.wh..wh..opq' },
    ]);
    assert.deepEqual((await readdir(join(root, 'a'))).sort(), ['y']);
    assert.deepEqual((await readdir(root)).sort(), ['a', 'd']);
    assert.deepEqual(await readdir(join(root, 'd')), ['new']);
  });
});

test('no entry writes outside the rootfs', async () => {
  await withDirs(async (root, outside) => {
    // Absolute and relative symlinks pointing outside are re-rooted when written through.
    await apply(root, [
      { name: 'abs', type: 'symlink', linkname: outside },
      { name: 'rel', type: 'symlink', linkname: '../../../../../../..' + outside },
      { name: 'abs/pwned', body: 'x' },
      { name: 'rel/pwned2', body: 'y' },
    ]);
    assert.deepEqual(await readdir(outside), []);
    assert.equal(await readFile(join(root, outside, 'pwned'), 'utf8'), 'x');
    assert.equal(await readFile(join(root, outside, 'pwned2'), 'utf8'), 'y');
    // A file replacing a symlink replaces the link, never writes through it.
    await writeFile(join(outside, 'victim'), 'safe');
    await apply(root, [{ name: 'f', type: 'symlink', linkname: join(outside, 'victim') }]);
    await apply(root, [{ name: 'f', body: 'replaced' }]);
    assert.equal(await readFile(join(outside, 'victim'), 'utf8'), 'safe');
    assert.ok((await lstat(join(root, 'f'))).isFile());
    // `..` names and hard links climbing out are refused.
    await assert.rejects(apply(root, [{ name: '../escape', body: 'x' }]), UnsafeLayerError);
    await assert.rejects(apply(root, [{ name: 'h', type: 'link', linkname: '../outside/victim' }]), UnsafeLayerError);
    await assert.rejects(apply(root, [{ name: 'h2', type: 'link', linkname: 'abs/victim' }]));
    assert.deepEqual((await readdir(outside)).sort(), ['victim']);
  });
});

test('applyLayerFile reads gzip and plain tar; extractSingleDisk finds the one disk file', async () => {
  await withDirs(async (root, outside) => {
    const gz = join(outside, 'layer.tar.gz');
    await writeFile(gz, gzipSync(await tar([{ name: 'disk/', type: 'directory' }, { name: 'disk/disk.img', body: 'QFI' }])));
    await applyLayerFile(root, gz);
    assert.equal(await extractSingleDisk(root), join(root, 'disk/disk.img'));
    const plain = join(outside, 'layer.tar');
    await writeFile(plain, await tar([{ name: 'disk/second.img', body: 'x' }]));
    await applyLayerFile(root, plain);
    await assert.rejects(extractSingleDisk(root), /exactly one file under \/disk\/, found 2: disk.img, second.img/);
    await assert.rejects(extractSingleDisk(outside), /no \/disk directory/);
  });
});
