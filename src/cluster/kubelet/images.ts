/**
 * Resolves a container image to something runnable: kubevirt-ts component images map to the
 * local build (`kubevirt-ts/<component>:*` -> `node <repo>/dist/cmd/<component>.js`),
 * `kubevirt-ts/host:*` runs on the host's filesystem, anything else is pulled by the ImageStore
 * (src/cluster/images) and run chrooted in its rootfs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { podEvents, type PodEventSink } from './events.js';

/** Registry credentials, as ImageStore takes them. */
export interface PullCredential {
  readonly registry: string;
  readonly username: string;
  readonly password: string;
}

/** Credentials from a kubernetes.io/dockerconfigjson (or legacy .dockercfg) secret value. */
export function dockerConfigCredentials(json: string): PullCredential[] {
  let parsed: { auths?: Record<string, { username?: string; password?: string; auth?: string }> } & Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return [];
  }
  const auths = parsed.auths ?? (parsed as Record<string, { username?: string; password?: string; auth?: string }>);
  const out: PullCredential[] = [];
  for (const [registry, a] of Object.entries(auths)) {
    if (!a || typeof a !== 'object') continue;
    let { username, password } = a;
    if ((!username || password === undefined) && a.auth) {
      const dec = Buffer.from(a.auth, 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i >= 0) [username, password] = [dec.slice(0, i), dec.slice(i + 1)];
    }
    if (username && password !== undefined) out.push({ registry: registry.replace(/^https?:\/\//, '').replace(/\/.*$/, ''), username, password });
  }
  return out;
}

/** The ImageStore contract of src/cluster/images, as the agent consumes it. */
export interface ImagePuller {
  pull(ref: string, opts: { policy: 'Always' | 'IfNotPresent' | 'Never'; pullSecrets?: readonly PullCredential[] }): Promise<{ digest: string; rootfs: string; config: { entrypoint?: string[]; cmd?: string[]; env?: string[]; workingDir?: string } }>;
}

/** What a container runs from. */
export interface ResolvedImage {
  readonly imageID: string;
  /** undefined: the host's root filesystem. */
  readonly rootfs?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env: readonly string[];
  readonly workingDir?: string;
  /** Commands the image provides by name (component images: the component's entry point). */
  readonly binaries?: Readonly<Record<string, readonly string[]>>;
}

/** A pull failure with kubelet's waiting reason (ErrImagePull, ErrImageNeverPull, InvalidImageName). */
export class ImageResolveError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
    this.name = 'ImageResolveError';
  }
}

const COMPONENT = /^(?:[a-z0-9.:-]+\/)?kubevirt-ts\/([a-z0-9-]+)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

/** The component a kubevirt-ts image names, or undefined for other images. */
export function componentOf(image: string): string | undefined {
  return COMPONENT.exec(image)?.[1];
}

/** The default imagePullPolicy: Always for :latest or untagged, IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

export interface ImageResolverOptions {
  /** The repository root holding dist/cmd/<component>.js. */
  readonly repoDir: string;
  readonly puller?: ImagePuller;
}

/**
 * Resolves an image reference for a container. With `onEvent`, reports kubelet's Pulling/Pulled
 * events (an image already on the node, or under a policy other than Always found locally, is
 * "already present"; failures are the caller's to report).
 */
export async function resolveImage(
  image: string,
  policy: 'Always' | 'IfNotPresent' | 'Never' | undefined,
  opts: ImageResolverOptions,
  pullSecrets?: readonly PullCredential[],
  onEvent?: PodEventSink,
): Promise<ResolvedImage> {
  const component = componentOf(image);
  if (component === 'host') {
    onEvent?.(podEvents.present(image));
    return { imageID: `kubevirt-ts://host`, env: [] };
  }
  if (component) {
    const script = join(opts.repoDir, 'dist', 'cmd', `${component}.js`);
    if (!existsSync(script)) throw new ImageResolveError('ErrImagePull', `component image ${image}: ${script} not built (run npm run build)`);
    const entrypoint = [process.execPath, script];
    onEvent?.(podEvents.present(image));
    return { imageID: `kubevirt-ts://${component}`, entrypoint, env: [], binaries: { [component]: entrypoint } };
  }
  const puller = opts.puller;
  if (!puller) throw new ImageResolveError('ErrImagePull', `failed to pull image "${image}": no image store configured on this node`);
  const effective = policy ?? defaultPullPolicy(image);
  const resolved = (r: Awaited<ReturnType<ImagePuller['pull']>>): ResolvedImage => ({ imageID: r.digest, rootfs: r.rootfs, entrypoint: r.config.entrypoint, cmd: r.config.cmd, env: r.config.env ?? [], workingDir: r.config.workingDir });
  try {
    if (onEvent && effective === 'IfNotPresent') {
      // A local lookup only: 'Never' never reaches the registry.
      const local = await puller.pull(image, { policy: 'Never', pullSecrets }).catch(() => undefined);
      if (local) {
        onEvent(podEvents.present(image));
        return resolved(local);
      }
    }
    const t0 = Date.now();
    if (effective !== 'Never') onEvent?.(podEvents.pulling(image));
    const r = await puller.pull(image, { policy: effective, pullSecrets });
    onEvent?.(effective === 'Never' ? podEvents.present(image) : podEvents.pulled(image, Date.now() - t0));
    return resolved(r);
  } catch (e) {
    const err = e as { reason?: string; message?: string };
    throw new ImageResolveError(err.reason ?? 'ErrImagePull', err.message ?? String(e));
  }
}
