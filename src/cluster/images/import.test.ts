import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { writeOciLayout } from '../../guest-image/oci.js';
import { extractSingleDisk } from './disk.js';
import { ImageImportError, importImage, selectEntry } from './import.js';
import { ImageStore } from './store.js';

/** A temp dir removed when the test ends. */
async function scratch(t: TestContext): Promise<{ dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kv-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { dir };
}

/** A containerDisk layout holding `content` as disk/disk.img, tagged `tag`. */
async function layout(dir: string, content: string, tag = 'latest'): Promise<string> {
  const file = join(dir, `disk-${tag}.img`);
  await writeFile(file, content);
  const out = join(dir, `layout-${tag}`);
  await writeOciLayout(out, file, 'disk.img', tag);
  return out;
}

/** Tars a layout directory as `skopeo copy oci-archive:` would (plus a stray file to skip). */
async function tarOf(layoutDir: string, tarFile: string): Promise<void> {
  const p = pack();
  const done = pipeline(p, createWriteStream(tarFile));
  p.entry({ name: 'oci-layout' }, await readFile(join(layoutDir, 'oci-layout')));
  p.entry({ name: 'index.json' }, await readFile(join(layoutDir, 'index.json')));
  p.entry({ name: 'manifest.json' }, '[]');
  p.entry({ name: 'blobs/', type: 'directory' });
  for (const hex of await readdir(join(layoutDir, 'blobs', 'sha256'))) {
    p.entry({ name: `./blobs/sha256/${hex}` }, await readFile(join(layoutDir, 'blobs', 'sha256', hex)));
  }
  p.finalize();
  await done;
}

test('an imported layout is used by IfNotPresent and Never pulls without a registry', async (t) => {
  const s = await scratch(t);
  const src = await layout(s.dir, 'guest disk bytes');
  const storeDir = join(s.dir, 'images');
  const cases = [
    { how: 'directory', source: src, name: 'localhost/kubevirt-ts/demo:latest' },
    { how: 'tar', source: join(s.dir, 'img.tar'), name: 'localhost/kubevirt-ts/demo-tar' },
    { how: 'short name', source: src, name: 'demo' },
    { how: 'other tag than the layout names', source: src, name: 'localhost/kubevirt-ts/demo:v7' },
  ];
  await tarOf(src, join(s.dir, 'img.tar'));
  for (const c of cases) {
    const imported = await importImage({ storeDir, source: c.source, name: c.name });
    const store = new ImageStore({ dir: storeDir });
    for (const policy of ['IfNotPresent', 'Never'] as const) {
      const pulled = await store.pull(c.name, { policy });
      assert.equal(pulled.digest, imported.digest, `${c.how} ${policy}`);
      assert.equal(pulled.rootfs, imported.rootfs, c.how);
      assert.equal(await readFile(await extractSingleDisk(pulled.rootfs), 'utf8'), 'guest disk bytes', c.how);
    }
    assert.deepEqual(store.stats, { manifestsFetched: 0, blobsFetched: 0, rootfsUnpacked: 0 }, c.how);
  }
  assert.equal((await importImage({ storeDir, source: src, name: 'demo' })).name, 'docker.io/library/demo:latest');
  assert.deepEqual(await readdir(storeDir).then((d) => d.sort()), ['blobs', 'refs', 'rootfs'], 'no scratch dirs left');
});

test('re-importing a reference points it at the new image', async (t) => {
  const s = await scratch(t);
  const storeDir = join(s.dir, 'images');
  const name = 'localhost/kubevirt-ts/demo:latest';
  const first = await importImage({ storeDir, source: await layout(s.dir, 'one', 'v1'), name });
  const second = await importImage({ storeDir, source: await layout(s.dir, 'two', 'v2'), name });
  assert.notEqual(first.digest, second.digest);
  const local = await new ImageStore({ dir: storeDir }).local(name);
  assert.equal(local?.digest, second.digest);
  assert.equal(await readFile(await extractSingleDisk(local.rootfs), 'utf8'), 'two');
});

test('selectEntry picks by tag or whole reference, else the only image', () => {
  const d = (n: number, ref?: string) => ({ mediaType: 'm', digest: `sha256:${String(n).repeat(64)}`, size: 1, ...(ref ? { annotations: { 'org.opencontainers.image.ref.name': ref } } : {}) });
  const table = [
    { entries: [d(1)], tag: 'latest', want: 1 },
    { entries: [d(1, 'v1'), d(2, 'latest')], tag: 'latest', want: 2 },
    { entries: [d(1, 'v1'), d(3, 'localhost/x:v9')], tag: 'v9', name: 'localhost/x:v9', want: 3 },
    { entries: [d(1, 'v1'), d(2, 'v2')], tag: 'latest', err: /holds 2 images \(v1, v2\) and none is named "latest"/ },
    { entries: [], tag: 'latest', err: /holds 0 images/ },
  ];
  for (const t of table) {
    const run = () => selectEntry(t.entries, t.name ?? 'localhost/x:latest', t.tag);
    if (t.err) assert.throws(run, t.err);
    else assert.equal(run().digest, `sha256:${String(t.want).repeat(64)}`);
  }
});

test('bad sources are refused with what is wrong', async (t) => {
  const s = await scratch(t);
  const storeDir = join(s.dir, 'images');
  const src = await layout(s.dir, 'x');
  const index = JSON.parse(await readFile(join(src, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifestHex = index.manifests[0]!.digest.slice(7);
  const corrupt = join(s.dir, 'corrupt');
  await writeOciLayout(corrupt, join(s.dir, 'disk-latest.img'), 'disk.img');
  await writeFile(join(corrupt, 'blobs', 'sha256', manifestHex), '{}');
  const cases = [
    { source: join(s.dir, 'nope'), name: 'a', err: /no such image layout or tar/ },
    { source: s.dir, name: 'a', err: /is not an OCI image layout: it has no oci-layout file/ },
    { source: corrupt, name: 'a', err: /blob sha256:[a-f0-9]{64} has digest sha256:44136fa3/ },
    { source: src, name: 'Bad/Name', err: /repository name must be lowercase/ },
  ];
  for (const c of cases) {
    await assert.rejects(importImage({ storeDir, source: c.source, name: c.name }), (e: Error) => {
      assert.match(e.message, c.err);
      return true;
    });
  }
  await assert.rejects(importImage({ storeDir, source: s.dir, name: 'a' }), ImageImportError);
});
