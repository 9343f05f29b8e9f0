// End-to-end image pulls: a real docker-registry on loopback serving an image this test builds
// (two layers, a whiteout, an image index), and a small in-test registry for the bearer-token
// flow and for content that does not match its digest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { request } from 'undici';
import { ImagePullError, ImageStore } from '../../src/cluster/images/index.js';
import { pushOciLayout, type Pushed } from '../fixtures/oci-push.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';

const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (b: unknown) => chunks.push(b as Buffer));
  const done = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const [name, body] of Object.entries(files)) p.entry({ name, size: Buffer.byteLength(body), mode: 0o644 }, body);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

interface Built {
  readonly blobs: Map<string, Buffer>;
  readonly manifest: Buffer;
  readonly manifestDigest: string;
}

/** Builds a two-layer image: layer 2 deletes etc/gone and adds app/hello. */
async function buildImage(): Promise<Built> {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer): { digest: string; size: number } => {
    const digest = digestOf(b);
    blobs.set(digest, b);
    return { digest, size: b.length };
  };
  const t1 = await tarOf({ 'etc/os-release': 'ID=kvts\n', 'etc/gone': 'bye' });
  const t2 = await tarOf({ 'etc/.wh.gone': '', 'app/hello': 'hello from layer 2' });
  const l1 = put(gzipSync(t1));
  const l2 = put(gzipSync(t2));
  const config = put(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: ['/app/run'], Cmd: ['--flag'], Env: ['PATH=/usr/bin', 'A=1'], WorkingDir: '/app' },
    rootfs: { type: 'layers', diff_ids: [digestOf(t1), digestOf(t2)] },
  })));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [l1, l2].map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
  }));
  return { blobs, manifest, manifestDigest: digestOf(manifest) };
}

async function writeLayout(dir: string, img: Built): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [d, b] of [...img.blobs, [img.manifestDigest, img.manifest] as const]) await writeFile(join(dir, 'blobs', 'sha256', d.slice(7)), b);
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.manifestDigest, size: img.manifest.length }],
  }));
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
}

let reg: RegistryFixture;
let work: string;
let img: Built;
let pushed: Pushed;
let indexDigest: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvts-images-'));
  reg = await startRegistry();
  img = await buildImage();
  await writeLayout(join(work, 'layout'), img);
  pushed = await pushOciLayout(join(work, 'layout'), { registry: reg.url, repository: 'kvts/app', tag: 'v1' });
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.manifestDigest, size: img.manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
  }));
  const res = await request(`${reg.url}/v2/kvts/app/manifests/multi`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: index });
  assert.equal(res.statusCode, 201, await res.body.text());
  indexDigest = digestOf(index);
});

after(async () => {
  await reg?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('pulls an image by tag and by digest and unpacks its layers with whiteouts', async () => {
  const store = new ImageStore({ dir: join(work, 'store1') });
  const a = await store.pull(pushed.reference, { policy: 'IfNotPresent' });
  assert.equal(a.digest, img.manifestDigest);
  assert.equal(await readFile(join(a.rootfs, 'app/hello'), 'utf8'), 'hello from layer 2');
  assert.equal(await readFile(join(a.rootfs, 'etc/os-release'), 'utf8'), 'ID=kvts\n');
  assert.deepEqual((await readdir(join(a.rootfs, 'etc'))).sort(), ['os-release']);
  assert.deepEqual(a.config, { entrypoint: ['/app/run'], cmd: ['--flag'], env: ['PATH=/usr/bin', 'A=1'], workingDir: '/app' });
  assert.deepEqual(store.stats, { manifestsFetched: 1, blobsFetched: 3, rootfsUnpacked: 1 });

  const b = await store.pull(pushed.digestReference, { policy: 'IfNotPresent' });
  assert.equal(b.rootfs, a.rootfs);
  assert.deepEqual(store.stats, { manifestsFetched: 2, blobsFetched: 3, rootfsUnpacked: 1 }, 'by digest: one manifest GET, blobs and rootfs from cache');

  const c = await store.pull(pushed.reference, { policy: 'IfNotPresent' });
  assert.equal(c.rootfs, a.rootfs);
  assert.equal(store.stats.manifestsFetched, 2, 'IfNotPresent on a present image does not contact the registry');
  await store.pull(pushed.reference, { policy: 'Always' });
  assert.deepEqual(store.stats, { manifestsFetched: 3, blobsFetched: 3, rootfsUnpacked: 1 }, 'Always re-resolves the tag but reuses cached blobs');
  const d = await store.pull(pushed.reference, { policy: 'Never' });
  assert.equal(d.digest, img.manifestDigest);
});

test('an image index resolves to its linux/amd64 manifest', async () => {
  const store = new ImageStore({ dir: join(work, 'store2') });
  const r = await store.pull(`${reg.host}/kvts/app:multi`, { policy: 'Always' });
  assert.equal(r.digest, indexDigest);
  assert.equal(await readFile(join(r.rootfs, 'app/hello'), 'utf8'), 'hello from layer 2');
  assert.equal(store.stats.manifestsFetched, 2);
});

test('pull failures are ErrImagePull, ErrImageNeverPull and InvalidImageName', async () => {
  const store = new ImageStore({ dir: join(work, 'store3') });
  const cases: [string, 'Always' | 'Never', string, RegExp][] = [
    [`${reg.host}/kvts/missing:v1`, 'Always', 'ErrImagePull', new RegExp(`^failed to pull and unpack image "${reg.host}/kvts/missing:v1": failed to resolve reference .*not found$`)],
    [`${reg.host}/kvts/app@sha256:${'0'.repeat(64)}`, 'Always', 'ErrImagePull', /not found/],
    [`${reg.host}/kvts/app:v1`, 'Never', 'ErrImageNeverPull', /^Container image ".*kvts\/app:v1" is not present with pull policy of Never$/],
    ['Not/Valid', 'Always', 'InvalidImageName', /^Failed to apply default image tag "Not\/Valid": couldn't parse image name/],
  ];
  for (const [ref, policy, reason, msg] of cases) {
    await assert.rejects(store.pull(ref, { policy }), (e: unknown) => e instanceof ImagePullError && e.reason === reason && msg.test(e.message), ref);
  }
});

/** A tiny registry: bearer-token auth against fixed credentials, and a layer whose bytes do
 *  not match its digest under the tag `corrupt`. */
async function fakeRegistry(): Promise<{ server: Server; host: string }> {
  const good = img.manifest;
  const expected = Buffer.from('the bytes the manifest promises');
  const served = Buffer.from('other bytes, the same length!!!');
  const layerDigest = digestOf(expected);
  const corrupt = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: JSON.parse(good.toString()).config,
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: expected.length }],
  }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const host = req.headers.host ?? '';
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('alice:s3cret').toString('base64')}` && url.searchParams.get('scope') === 'repository:priv/app:pull';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"token":"tok-1"}' : '{}');
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-1') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fake"` }).end();
      return;
    }
    const m = /^\/v2\/priv\/app\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (m?.[1] === 'manifests') {
      const body = m[2] === 'corrupt' ? corrupt : good;
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(body);
    } else if (m?.[1] === 'blobs' && m[2] === layerDigest) {
      res.writeHead(200).end(served);
    } else if (m?.[1] === 'blobs' && img.blobs.has(m[2]!)) {
      res.writeHead(200).end(img.blobs.get(m[2]!));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object');
  return { server, host: `127.0.0.1:${addr.port}` };
}

test('bearer-token auth from pull secrets, and content not matching its digest is rejected', async (t) => {
  const { server, host } = await fakeRegistry();
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const store = new ImageStore({ dir: join(work, 'store4') });
  const secret = { registry: host, username: 'alice', password: 's3cret' };
  await assert.rejects(store.pull(`${host}/priv/app:v1`, { policy: 'Always' }), (e: unknown) => e instanceof ImagePullError && /failed to fetch anonymous token.*401/.test(e.message));
  await assert.rejects(
    store.pull(`${host}/priv/app:v1`, { policy: 'Always', pullSecrets: [{ ...secret, password: 'wrong' }] }),
    (e: unknown) => e instanceof ImagePullError && e.reason === 'ErrImagePull',
  );
  const r = await store.pull(`${host}/priv/app:v1`, { policy: 'Always', pullSecrets: [secret] });
  assert.equal(await readFile(join(r.rootfs, 'app/hello'), 'utf8'), 'hello from layer 2');

  const fresh = new ImageStore({ dir: join(work, 'store5') });
  await assert.rejects(fresh.pull(`${host}/priv/app:corrupt`, { policy: 'Always', pullSecrets: [secret] }), (e: unknown) => e instanceof ImagePullError && /blob digest mismatch/.test(e.message));
  const configDigest = (JSON.parse(img.manifest.toString()) as { config: { digest: string } }).config.digest;
  assert.deepEqual(await readdir(join(work, 'store5', 'blobs', 'sha256')), [configDigest.slice(7)], 'only the verified config blob is cached');
  await assert.rejects(fresh.pull(`${host}/priv/app@sha256:${'1'.repeat(64)}`, { policy: 'Always', pullSecrets: [secret] }), (e: unknown) => e instanceof ImagePullError && /manifest digest mismatch/.test(e.message));
});
