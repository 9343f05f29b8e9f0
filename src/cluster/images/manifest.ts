// OCI / Docker v2 manifest handling (pure): the media types we accept, and the choice of the
// linux/amd64 image manifest from an image index or manifest list.
import { RegistryError } from './errors.js';

/** Media types of manifests and indexes we ask for and understand. */
export const ManifestTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** The Accept header for manifest GETs: all four types above. */
export const MANIFEST_ACCEPT = Object.values(ManifestTypes).join(', ');

/** An OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
}

/** An image manifest: config blob and layers in order, lowest first. */
export interface ImageManifest {
  readonly kind: 'manifest';
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/** An image index / manifest list. */
export interface ImageIndex {
  readonly kind: 'index';
  readonly manifests: readonly Descriptor[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function descriptor(v: unknown, where: string): Descriptor {
  const d = v as Partial<Descriptor> | null;
  if (!d || typeof d.digest !== 'string' || !DIGEST.test(d.digest) || typeof d.size !== 'number' || d.size < 0) {
    throw new RegistryError(`invalid descriptor in ${where}`);
  }
  return d as Descriptor;
}

/** Parses manifest bytes by media type (Content-Type, else the document's mediaType field). */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ImageManifest | ImageIndex {
  let doc: { mediaType?: string; schemaVersion?: number; manifests?: unknown[]; config?: unknown; layers?: unknown[] };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new RegistryError('manifest is not valid JSON');
  }
  const type = doc.mediaType ?? contentType?.split(';')[0]?.trim();
  if (doc.schemaVersion !== 2) throw new RegistryError(`unsupported manifest schemaVersion ${String(doc.schemaVersion)} (media type ${String(type)})`);
  if (type === ManifestTypes.ociIndex || type === ManifestTypes.dockerList || (type === undefined && Array.isArray(doc.manifests))) {
    return { kind: 'index', manifests: (doc.manifests ?? []).map((m) => descriptor(m, 'index')) };
  }
  if (type === ManifestTypes.ociManifest || type === ManifestTypes.dockerManifest || (type === undefined && doc.config)) {
    return { kind: 'manifest', config: descriptor(doc.config, 'manifest config'), layers: (doc.layers ?? []).map((l) => descriptor(l, 'manifest layers')) };
  }
  throw new RegistryError(`unsupported manifest media type ${String(type)}`);
}

/** The index entry for os/architecture (linux/amd64 by default), or undefined. */
export function selectPlatform(index: ImageIndex, os = 'linux', architecture = 'amd64'): Descriptor | undefined {
  return index.manifests.find((m) => m.platform?.os === os && m.platform.architecture === architecture);
}
