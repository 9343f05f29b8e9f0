import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { MediaType, sha256Digest, writeOciLayout } from './oci.js';

async function tarEntries(tar: Buffer): Promise<{ header: Header; body: Buffer }[]> {
  const out: { header: Header; body: Buffer }[] = [];
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      out.push({ header, body: Buffer.concat(chunks) });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return out;
}

test('writeOciLayout: a containerDisk layout whose blobs match their digests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kvts-oci-'));
  try {
    const disk = join(dir, 'disk.qcow2');
    await writeFile(disk, Buffer.from('QFI\xfb pretend qcow2', 'latin1'));
    const img = await writeOciLayout(join(dir, 'oci'), disk, 'disk.qcow2', 'v1');
    const blob = (d: string): Promise<Buffer> => readFile(join(dir, 'oci', 'blobs', 'sha256', d.replace('sha256:', '')));

    assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci', 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(join(dir, 'oci', 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, img.manifest.digest);
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v1');

    const manifestBytes = await blob(img.manifest.digest);
    assert.equal(sha256Digest(manifestBytes), img.manifest.digest);
    assert.equal(manifestBytes.length, img.manifest.size);
    const manifest = JSON.parse(manifestBytes.toString());
    assert.equal(manifest.mediaType, MediaType.manifest);
    assert.equal(manifest.layers[0].mediaType, MediaType.layerGzip);

    const config = JSON.parse((await blob(manifest.config.digest)).toString());
    assert.equal(config.architecture, 'amd64');
    assert.equal(config.os, 'linux');
    const layer = await blob(manifest.layers[0].digest);
    assert.equal(sha256Digest(layer), manifest.layers[0].digest);
    const tar = gunzipSync(layer);
    assert.deepEqual(config.rootfs.diff_ids, [sha256Digest(tar)]);

    const entries = await tarEntries(tar);
    assert.deepEqual(entries.map((e) => [e.header.name, e.header.type, e.header.uid, e.header.gid]), [
      ['disk/', 'directory', 107, 107],
      ['disk/disk.qcow2', 'file', 107, 107],
    ]);
    assert.equal(entries[1]!.header.mode, 0o644);
    assert.deepEqual(entries[1]!.body, await readFile(disk));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
