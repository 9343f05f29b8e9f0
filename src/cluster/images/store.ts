// The node's image store: pulls images by reference under a kubelet pull policy, caches blobs
// by digest (dir/blobs/sha256), unpacks each image manifest once into dir/rootfs/<hex>, and
// remembers which reference resolved to which image (dir/refs) for IfNotPresent and Never.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { PullCredential } from './auth.js';
import { ImagePullError, RegistryError } from './errors.js';
import { parseManifest, selectPlatform, type Descriptor, type ImageManifest } from './manifest.js';
import { formatReference, InvalidReferenceError, parseReference, type ImageReference } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { applyLayerFile } from './unpack.js';

/** kubelet's imagePullPolicy values. */
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** What a container needs from its image's config. */
export interface ImageConfig {
  readonly entrypoint?: string[];
  readonly cmd?: string[];
  readonly env?: string[];
  readonly workingDir?: string;
}

/** A pulled image: the digest the reference resolved to, its unpacked rootfs, its config. */
export interface PulledImage {
  readonly digest: string;
  readonly rootfs: string;
  readonly config: ImageConfig;
}

/** Options of one pull. */
export interface PullOptions {
  readonly policy: PullPolicy;
  readonly pullSecrets?: readonly PullCredential[];
}

/** Options of ImageStore. */
export interface ImageStoreOptions {
  readonly dir: string;
  /** Registries (host[:port]) to use over plain HTTP besides loopback ones. */
  readonly insecureRegistries?: readonly string[];
  readonly dispatcher?: Dispatcher;
}

/** Counters of remote work, so callers (and tests) can see what the cache saved. */
export interface PullStats {
  manifestsFetched: number;
  blobsFetched: number;
  rootfsUnpacked: number;
}

interface RefRecord {
  readonly digest: string;
  readonly manifestDigest: string;
  readonly config: ImageConfig;
}

const hex = (digest: string): string => digest.slice('sha256:'.length);

/** The container config recorded for an image, from its config blob (import.ts shares it). */
export function imageConfig(raw: Buffer): ImageConfig {
  const doc = JSON.parse(raw.toString('utf8')) as { config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string } };
  const c = doc.config ?? {};
  return {
    ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
    ...(c.Cmd ? { cmd: c.Cmd } : {}),
    ...(c.Env ? { env: c.Env } : {}),
    ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
  };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** Pulls and unpacks OCI images for the node agent. */
export class ImageStore {
  readonly stats: PullStats = { manifestsFetched: 0, blobsFetched: 0, rootfsUnpacked: 0 };
  private readonly inflight = new Map<string, Promise<PulledImage>>();
  private readonly unpacking = new Map<string, Promise<string>>();

  constructor(private readonly opts: ImageStoreOptions) {}

  /** Resolves `ref` under `policy`; rejects with ImagePullError (ErrImagePull,
   *  ErrImageNeverPull, InvalidImageName) worded as kubelet words it. */
  async pull(ref: string, opts: PullOptions): Promise<PulledImage> {
    let parsed: ImageReference;
    try {
      parsed = parseReference(ref);
    } catch (e) {
      if (!(e instanceof InvalidReferenceError)) throw e;
      throw new ImagePullError('InvalidImageName', `Failed to apply default image tag "${ref}": ${e.message}`, { cause: e });
    }
    const name = formatReference(parsed);
    if (opts.policy !== 'Always') {
      const local = await this.local(name);
      if (local) return local;
      if (opts.policy === 'Never') {
        throw new ImagePullError('ErrImageNeverPull', `Container image "${ref}" is not present with pull policy of Never`);
      }
    }
    const key = `${name}\u0000${JSON.stringify(opts.pullSecrets ?? [])}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.remote(parsed, name, opts.pullSecrets).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** The image a reference was last pulled as, if its rootfs is still here. */
  async local(name: string): Promise<PulledImage | undefined> {
    let rec: RefRecord;
    try {
      rec = JSON.parse(await readFile(this.refFile(name), 'utf8')) as RefRecord;
    } catch {
      return undefined;
    }
    const rootfs = this.rootfsDir(rec.manifestDigest);
    return (await exists(rootfs)) ? { digest: rec.digest, rootfs, config: rec.config } : undefined;
  }

  private refFile(name: string): string {
    return join(this.opts.dir, 'refs', `${createHash('sha256').update(name).digest('hex')}.json`);
  }

  private rootfsDir(manifestDigest: string): string {
    return join(this.opts.dir, 'rootfs', hex(manifestDigest));
  }

  private blobPath(digest: string): string {
    return join(this.opts.dir, 'blobs', 'sha256', hex(digest));
  }

  private async remote(ref: ImageReference, name: string, secrets: readonly PullCredential[] | undefined): Promise<PulledImage> {
    const client = new RegistryClient({ credentials: secrets ?? [], insecureRegistries: this.opts.insecureRegistries ?? [], ...(this.opts.dispatcher ? { dispatcher: this.opts.dispatcher } : {}) });
    try {
      const { digest, manifestDigest, manifest } = await this.resolve(client, ref, name);
      await mkdir(join(this.opts.dir, 'blobs', 'sha256'), { recursive: true });
      for (const blob of [manifest.config, ...manifest.layers]) await this.ensureBlob(client, ref, blob);
      const config = imageConfig(await readFile(this.blobPath(manifest.config.digest)));
      const rootfs = await this.ensureRootfs(manifestDigest, manifest);
      await mkdir(join(this.opts.dir, 'refs'), { recursive: true });
      const rec: RefRecord = { digest, manifestDigest, config };
      const file = this.refFile(name);
      // A private temp name: other stores on this cache dir may record the same reference at once.
      const tmp = `${file}.${process.pid}-${randomUUID()}.tmp`;
      await writeFile(tmp, JSON.stringify(rec));
      await rename(tmp, file);
      return { digest, rootfs, config };
    } catch (e) {
      if (e instanceof ImagePullError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new ImagePullError('ErrImagePull', `failed to pull and unpack image "${name}": ${why}`, { cause: e });
    }
  }

  /** Fetches the reference's manifest, descending from an index to its linux/amd64 manifest. */
  private async resolve(client: RegistryClient, ref: ImageReference, name: string): Promise<{ digest: string; manifestDigest: string; manifest: ImageManifest }> {
    let top;
    try {
      top = await client.getManifest(ref, ref.digest ?? ref.tag ?? 'latest');
    } catch (e) {
      if (e instanceof RegistryError && e.statusCode === 404) throw new RegistryError(`failed to resolve reference "${name}": ${name}: not found`, 404);
      throw e;
    }
    this.stats.manifestsFetched++;
    const doc = parseManifest(top.bytes, top.contentType);
    if (doc.kind === 'manifest') return { digest: top.digest, manifestDigest: top.digest, manifest: doc };
    const entry = selectPlatform(doc);
    if (!entry) throw new RegistryError(`no match for platform in manifest ${top.digest}: linux/amd64 not found`);
    const inner = await client.getManifest(ref, entry.digest);
    this.stats.manifestsFetched++;
    const manifest = parseManifest(inner.bytes, inner.contentType);
    if (manifest.kind !== 'manifest') throw new RegistryError(`index ${top.digest} names ${entry.digest}, which is not an image manifest`);
    return { digest: top.digest, manifestDigest: inner.digest, manifest };
  }

  private async ensureBlob(client: RegistryClient, ref: ImageReference, blob: Descriptor): Promise<void> {
    const path = this.blobPath(blob.digest);
    if (await exists(path)) return;
    await client.fetchBlob(ref, blob.digest, blob.size, path);
    this.stats.blobsFetched++;
  }

  /** Unpacks the manifest's layers once into rootfs/<hex> (built aside, then renamed in). */
  private async ensureRootfs(manifestDigest: string, manifest: ImageManifest): Promise<string> {
    const target = this.rootfsDir(manifestDigest);
    if (await exists(target)) return target;
    let p = this.unpacking.get(target);
    if (!p) {
      p = (async () => {
        await mkdir(join(this.opts.dir, 'rootfs'), { recursive: true });
        const tmp = await mkdtemp(join(this.opts.dir, 'rootfs', `.unpack-${hex(manifestDigest).slice(0, 12)}-`));
        try {
          for (const layer of manifest.layers) await applyLayerFile(tmp, this.blobPath(layer.digest));
          await rename(tmp, target);
          this.stats.rootfsUnpacked++;
        } catch (e) {
          await rm(tmp, { recursive: true, force: true });
          // Another store on the same cache dir (another node) renamed the same image in first.
          if (!(await exists(target))) throw e;
        }
        return target;
      })().finally(() => this.unpacking.delete(target));
      this.unpacking.set(target, p);
    }
    return p;
  }
}
