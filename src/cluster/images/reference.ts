// Image reference parsing as the Docker/containerd reference grammar defines it: an optional
// registry host (docker.io when absent, with `library/` for one-component names), a repository
// path, and a tag and/or a sha256 digest (`latest` when neither is given).

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry as written in the reference, e.g. docker.io, localhost:5000, 127.0.0.1:5000. */
  readonly registry: string;
  /** Repository path, e.g. library/busybox. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Thrown by parseReference; the message says why the reference is invalid. */
export class InvalidReferenceError extends Error {
  constructor(readonly reference: string, why: string) {
    super(`couldn't parse image name "${reference}": ${why}`);
    this.name = 'InvalidReferenceError';
  }
}

function isHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

/** Parses `[host[:port]/]path[:tag][@sha256:hex]`, applying the docker.io and `latest` defaults. */
export function parseReference(ref: string): ImageReference {
  if (ref.length === 0 || ref.length > 4096) throw new InvalidReferenceError(ref, 'invalid reference format');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(ref, 'invalid reference format');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(ref, 'invalid reference format');
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isHost(parts[0]!)) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) throw new InvalidReferenceError(ref, 'invalid reference format');
  }
  if (parts.some((p) => !COMPONENT.test(p))) {
    const upper = parts.some((p) => p !== p.toLowerCase());
    throw new InvalidReferenceError(ref, upper ? 'repository name must be lowercase' : 'invalid reference format');
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > 255) throw new InvalidReferenceError(ref, 'repository name must not be more than 255 characters');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The fully qualified string of a reference: `registry/repository[:tag][@digest]`. */
export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** The HTTP base URL of the registry's API: docker.io's endpoint is registry-1.docker.io; loopback
 *  registries (localhost, 127.0.0.0/8, ::1) and those listed as insecure are spoken to over plain HTTP. */
export function registryBaseUrl(registry: string, insecure: readonly string[] = []): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  const host = registry.replace(/:[0-9]+$/, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
  return `${loopback || insecure.includes(registry) ? 'http' : 'https'}://${registry}`;
}
