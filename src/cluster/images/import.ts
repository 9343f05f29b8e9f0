// Side-loading, as `kind load` or `k3s ctr images import` do: puts an OCI image layout (a
// directory, or a tar of one) into a node image store under a reference, so that a pod or image
// volume with pullPolicy IfNotPresent or Never uses it without any registry. It writes the
// store's own layout (store.ts): blobs/sha256/<hex>, rootfs/<manifest hex>, refs/<sha256(name)>.json.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { parseManifest, selectPlatform, type Descriptor, type ImageManifest } from './manifest.js';
import { formatReference, parseReference } from './reference.js';
import { imageConfig } from './store.js';
import { applyLayerFile } from './unpack.js';

/** A source that is not a usable OCI image layout, or does not hold the image asked for. */
export class ImageImportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageImportError';
  }
}

/** What importImage needs: the store directory (ImageStoreOptions.dir), the source, the reference. */
export interface ImportOptions {
  /** The node image store's directory, e.g. `<data-dir>/images`. */
  readonly storeDir: string;
  /** An OCI image layout directory (oci-layout, index.json, blobs/) or a tar of one. */
  readonly source: string;
  /** The reference pods will name, e.g. `localhost/kubevirt-ts/demo:latest`. */
  readonly name: string;
}

/** The imported image: the normalised reference and what it now resolves to in the store. */
export interface ImportedImage {
  readonly name: string;
  readonly digest: string;
  readonly manifestDigest: string;
  readonly rootfs: string;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
const HEX = /^[a-f0-9]{64}$/;
const hexOf = (digest: string): string => digest.slice('sha256:'.length);

/** The index entry for `name`: the one whose ref.name annotation is its tag or the whole
 *  reference, else the only entry. Pure. */
export function selectEntry(entries: readonly (Descriptor & { annotations?: Record<string, string> })[], name: string, tag: string | undefined): Descriptor {
  const named = entries.filter((e) => {
    const ref = e.annotations?.[REF_NAME];
    return ref !== undefined && (ref === tag || ref === name);
  });
  const pick = named.length > 0 ? named : entries.length === 1 ? entries : [];
  if (pick.length !== 1) {
    const refs = entries.map((e) => e.annotations?.[REF_NAME] ?? e.digest).join(', ');
    throw new ImageImportError(`index.json holds ${entries.length} images (${refs}) and none is named "${tag ?? name}"`);
  }
  return pick[0]!;
}

async function blobIn(layout: string, digest: string): Promise<Buffer> {
  const bytes = await readFile(join(layout, 'blobs', 'sha256', hexOf(digest))).catch((e: unknown) => {
    throw new ImageImportError(`blob ${digest} is missing from the image layout`, { cause: e });
  });
  const got = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (got !== digest) throw new ImageImportError(`blob ${digest} has digest ${got}`);
  return bytes;
}

/** Resolves the layout's image for `name` to its manifest (descending an index to linux/amd64). */
async function resolveLayout(layout: string, name: string, tag: string | undefined): Promise<{ digest: string; manifestDigest: string; manifest: ImageManifest }> {
  const marker = await readFile(join(layout, 'oci-layout'), 'utf8').catch(() => undefined);
  if (marker === undefined) throw new ImageImportError(`${layout} is not an OCI image layout: it has no oci-layout file`);
  const index = parseManifest(await readFile(join(layout, 'index.json')), undefined);
  if (index.kind !== 'index') throw new ImageImportError(`${layout}/index.json is not an image index`);
  const entry = selectEntry(index.manifests, name, tag);
  const top = parseManifest(await blobIn(layout, entry.digest), entry.mediaType);
  if (top.kind === 'manifest') return { digest: entry.digest, manifestDigest: entry.digest, manifest: top };
  const inner = selectPlatform(top);
  if (!inner) throw new ImageImportError(`image index ${entry.digest} has no linux/amd64 image`);
  const manifest = parseManifest(await blobIn(layout, inner.digest), inner.mediaType);
  if (manifest.kind !== 'manifest') throw new ImageImportError(`index ${entry.digest} names ${inner.digest}, which is not an image manifest`);
  return { digest: entry.digest, manifestDigest: inner.digest, manifest };
}

/** Copies one blob into the store (verifying its digest) unless the store has it already. */
async function copyBlob(layout: string, storeDir: string, digest: string): Promise<void> {
  const target = join(storeDir, 'blobs', 'sha256', hexOf(digest));
  if (await stat(target).then(() => true, () => false)) return;
  const tmp = `${target}.import-${process.pid}`;
  const hash = createHash('sha256');
  const src = createReadStream(join(layout, 'blobs', 'sha256', hexOf(digest)));
  src.on('data', (b) => hash.update(b));
  try {
    await pipeline(src, createWriteStream(tmp));
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== digest) throw new ImageImportError(`blob ${digest} has digest ${got}`);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof ImageImportError) throw e;
    throw new ImageImportError(`blob ${digest} cannot be copied from the image layout: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Unpacks the layers into rootfs/<manifest hex> once (built aside, then renamed in). */
async function unpackRootfs(storeDir: string, manifestDigest: string, manifest: ImageManifest): Promise<string> {
  const target = join(storeDir, 'rootfs', hexOf(manifestDigest));
  if (await stat(target).then(() => true, () => false)) return target;
  await mkdir(join(storeDir, 'rootfs'), { recursive: true });
  const tmp = await mkdtemp(join(storeDir, 'rootfs', `.import-${hexOf(manifestDigest).slice(0, 12)}-`));
  try {
    for (const layer of manifest.layers) await applyLayerFile(tmp, join(storeDir, 'blobs', 'sha256', hexOf(layer.digest)));
    await rename(tmp, target).catch(async (e: unknown) => {
      if (!(await stat(target).then(() => true, () => false))) throw e; // else a concurrent import won
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/** Extracts the OCI layout files of a tar (oci-layout, index.json, blobs/sha256/<hex>) into dir;
 *  other entries (manifest.json of `docker save`, directories) are skipped. */
export async function extractLayoutTar(tarFile: string, dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const ex = extract();
  const src = createReadStream(tarFile);
  src.on('error', (e) => ex.destroy(e));
  src.pipe(ex);
  for await (const entry of ex) {
    const name = entry.header.name.replace(/^\.\//, '');
    const blob = /^blobs\/sha256\/([a-f0-9]+)$/.exec(name);
    const keep = entry.header.type === 'file' && (name === 'oci-layout' || name === 'index.json' || (blob !== null && HEX.test(blob[1]!)));
    if (keep) await pipeline(entry, createWriteStream(join(dir, name)));
    else entry.resume();
  }
}

/** Side-loads the image at opts.source into the store under opts.name; returns what it resolves to.
 *  Re-importing replaces the reference; blobs and rootfs already present are reused. */
export async function importImage(opts: ImportOptions): Promise<ImportedImage> {
  const ref = parseReference(opts.name);
  const name = formatReference(ref);
  const st = await stat(opts.source).catch((e: unknown) => {
    throw new ImageImportError(`${opts.source}: no such image layout or tar`, { cause: e });
  });
  await mkdir(join(opts.storeDir, 'blobs', 'sha256'), { recursive: true });
  let layout = opts.source;
  let scratch: string | undefined;
  if (!st.isDirectory()) {
    scratch = await mkdtemp(join(opts.storeDir, '.import-'));
    await extractLayoutTar(opts.source, scratch);
    layout = scratch;
  }
  try {
    const { digest, manifestDigest, manifest } = await resolveLayout(layout, name, ref.tag);
    for (const blob of [manifest.config, ...manifest.layers]) await copyBlob(layout, opts.storeDir, blob.digest);
    const config = imageConfig(await readFile(join(opts.storeDir, 'blobs', 'sha256', hexOf(manifest.config.digest))));
    const rootfs = await unpackRootfs(opts.storeDir, manifestDigest, manifest);
    await mkdir(join(opts.storeDir, 'refs'), { recursive: true });
    const refFile = join(opts.storeDir, 'refs', `${createHash('sha256').update(name).digest('hex')}.json`);
    await writeFile(`${refFile}.tmp-${process.pid}`, JSON.stringify({ digest, manifestDigest, config }));
    await rename(`${refFile}.tmp-${process.pid}`, refFile);
    return { name, digest, manifestDigest, rootfs };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
