// A containerDisk as an OCI image layout directory (oci-layout, index.json, blobs/sha256/...):
// one gzip'd tar layer holding disk/<name> owned by 107:107 (the qemu user, as upstream's
// containerDisks are built) and an amd64/linux config, so registries and pullers accept it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';

/** Media types of the OCI image spec used here. */
export const MediaType = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** An OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What writeOciLayout produced: the manifest's descriptor and the blobs it references. */
export interface OciImage {
  readonly dir: string;
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/** The qemu user and group id upstream containerDisk files are owned by. */
export const CONTAINERDISK_UID = 107;

/** sha256 digest string ("sha256:<hex>") of bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** An uncompressed tar in memory: `add` writes its entries, then the archive is finalised. */
export async function tarBuffer(add: (p: Pack) => void): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (b: unknown) => chunks.push(b as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  add(p);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Builds the uncompressed layer tar: directory disk/ and disk/<fileName>, fixed mtime. */
export function containerDiskTar(fileName: string, data: Buffer): Promise<Buffer> {
  const owner = { uid: CONTAINERDISK_UID, gid: CONTAINERDISK_UID, mtime: new Date(0) };
  return tarBuffer((p) => {
    p.entry({ name: 'disk/', type: 'directory', mode: 0o755, ...owner });
    p.entry({ name: `disk/${fileName}`, type: 'file', mode: 0o644, size: data.length, ...owner }, data);
  });
}

/** Writes bytes as a blob of the layout at dir and returns their descriptor. */
export async function writeBlob(dir: string, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const digest = sha256Digest(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
  return { mediaType, digest, size: bytes.length };
}

/** Writes an OCI image layout at dir for a containerDisk holding `file` as disk/<fileName>,
 *  tagged `tag` (annotation org.opencontainers.image.ref.name in index.json). */
export async function writeOciLayout(dir: string, file: string, fileName: string, tag = 'latest'): Promise<OciImage> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const tar = await containerDiskTar(fileName, await readFile(file));
  const layer = await writeBlob(dir, MediaType.layerGzip, gzipSync(tar, { level: 6 }));
  const configJson = {
    architecture: 'amd64',
    os: 'linux',
    created: new Date(0).toISOString(),
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    history: [{ created: new Date(0).toISOString(), created_by: 'kubevirt-ts src/guest-image/build.ts' }],
  };
  const config = await writeBlob(dir, MediaType.config, Buffer.from(JSON.stringify(configJson)));
  const manifestJson = { schemaVersion: 2, mediaType: MediaType.manifest, config, layers: [layer] };
  const manifest = await writeBlob(dir, MediaType.manifest, Buffer.from(JSON.stringify(manifestJson)));
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.index,
    manifests: [{ ...manifest, platform: { architecture: 'amd64', os: 'linux' }, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { dir, manifest, config, layers: [layer] };
}
