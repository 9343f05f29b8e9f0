/**
 * Kubernetes `image` volumes (KEP-4639): the node pulls the volume's OCI image under its
 * pullPolicy with the pod's imagePullSecrets, the ImageStore unpacks it once per digest into the
 * node's image cache, and the pod sees that rootfs bind-mounted read-only at the mountPath.
 * A failed pull is ErrImagePull; retries wait out kubelet's image back-off (10 s doubling to
 * 5 min), during which the pod shows ImagePullBackOff without pulling. Syncs right after a
 * failure (the agent re-syncs on its own status writes; kubelet would not) keep ErrImagePull
 * for ERR_IMAGE_PULL_HOLD_MS, so clients see both states as they do under kubelet.
 */
import { BACKOFF_MAX_MS, backoffDelay } from './backoff.js';
import { defaultPullPolicy, dockerConfigCredentials, ImageResolveError, type ImagePuller, type PullCredential } from './images.js';
import type { Pod, Volume } from './types.js';

/** A prepared image volume: the unpacked rootfs, always mounted read-only. */
export interface ImageVolumeMount {
  readonly path: string;
  readonly readOnly: true;
}

/** Just what image volumes read from the API: decoded Secret data for imagePullSecrets. */
export interface PullSecretSource {
  secret(ns: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
}

/** The credentials of a pod's imagePullSecrets (.dockerconfigjson or legacy .dockercfg); missing secrets are skipped, as kubelet does. */
export async function podPullCredentials(pod: Pod, src: PullSecretSource): Promise<PullCredential[]> {
  const out: PullCredential[] = [];
  for (const ref of pod.spec.imagePullSecrets ?? []) {
    const data = await src.secret(pod.metadata?.namespace ?? 'default', ref.name);
    const json = data?.['.dockerconfigjson'] ?? data?.['.dockercfg'];
    if (json) out.push(...dockerConfigCredentials(json));
  }
  return out;
}

/** How long a failed pull keeps showing ErrImagePull before ImagePullBackOff. */
export const ERR_IMAGE_PULL_HOLD_MS = 5000;

interface PullFailures {
  count: number;
  lastMs: number;
  reason: string;
  message: string;
}

/** Pulls and locates image volumes for one node, remembering failed pulls for their back-off. */
export class ImageVolumes {
  private readonly failures = new Map<string, PullFailures>();

  constructor(
    private readonly puller: ImagePuller | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rootfs to bind for volume `v` of `pod`; throws ImageResolveError (ErrImagePull,
   *  ImagePullBackOff, ErrImageNeverPull, InvalidImageName) when it is not available. */
  async prepare(pod: Pod, v: Volume, src: PullSecretSource): Promise<ImageVolumeMount> {
    const ref = v.image?.reference ?? '';
    if (!ref) throw new ImageResolveError('InvalidImageName', `volume "${v.name}": image.reference: Required value`);
    const key = `${pod.metadata?.uid ?? ''}/${ref}`;
    this.prune();
    const failed = this.failures.get(key);
    if (failed && this.now() < failed.lastMs + backoffDelay(failed.count)) {
      if (this.now() < failed.lastMs + ERR_IMAGE_PULL_HOLD_MS) throw new ImageResolveError(failed.reason, failed.message);
      throw new ImageResolveError('ImagePullBackOff', `Back-off pulling image "${ref}"`);
    }
    if (!this.puller) throw this.fail(key, new ImageResolveError('ErrImagePull', `failed to pull image "${ref}": no image store configured on this node`));
    try {
      const pulled = await this.puller.pull(ref, { policy: v.image?.pullPolicy ?? defaultPullPolicy(ref), pullSecrets: await podPullCredentials(pod, src) });
      this.failures.delete(key);
      return { path: pulled.rootfs, readOnly: true };
    } catch (e) {
      const err = e as { reason?: string; message?: string };
      throw this.fail(key, new ImageResolveError(err.reason ?? 'ErrImagePull', err.message ?? String(e)));
    }
  }

  private fail(key: string, e: ImageResolveError): ImageResolveError {
    const prev = this.failures.get(key);
    this.failures.set(key, { count: (prev?.count ?? 0) + 1, lastMs: this.now(), reason: e.reason, message: e.message });
    return e;
  }

  /** Drops back-off records nobody has retried for twice the longest back-off (deleted pods). */
  private prune(): void {
    for (const [k, f] of this.failures) if (this.now() - f.lastMs > 2 * BACKOFF_MAX_MS) this.failures.delete(k);
  }
}
