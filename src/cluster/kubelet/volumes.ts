/**
 * Materialises a pod's volumes under its state directory and turns its containers' volumeMounts
 * into sandbox mounts: emptyDir (medium Memory: a tmpfs inside the pod's mount namespace),
 * hostPath, configMap, secret, downwardAPI, projected (incl. service account tokens) and
 * persistentVolumeClaim (the bound PV's hostPath/local path) and image (see image-volumes.ts).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ContainerConfigError, podFieldValue, resourceFieldValue } from './env.js';
import type { ImageVolumes } from './image-volumes.js';
import type { BindMount } from './sandbox.js';
import type { DownwardAPIFile, KeyToPath, Pod, Volume } from './types.js';

/** What volumes need from the API; implemented over KubeClient in api-objects.ts. */
export interface VolumeSources {
  configMap(ns: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** Decoded secret data. */
  secret(ns: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** The host path backing a bound claim; throws when unbound. */
  claimPath(ns: string, claim: string): Promise<string>;
  serviceAccountToken(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** A volume's files were written here; `memory` marks an emptyDir to back with tmpfs. */
export interface PreparedVolume {
  readonly path: string;
  readonly memory?: boolean;
  /** Mounted read-only whatever the volumeMount says (image volumes). */
  readonly readOnly?: boolean;
  /** The path is not a directory (a hostPath file, socket or device): its mount targets are files. */
  readonly file?: boolean;
}

/** A volume could not be set up: the container keeps waiting (ContainerCreating) and the pod gets
 *  kubelet's FailedMount event. */
export class VolumeMountError extends Error {
  readonly reason = 'ContainerCreating';
  constructor(readonly volume: string, message: string) {
    super(message);
    this.name = 'VolumeMountError';
  }
}

/** What lies at a host path, as hostPath's type checks tell it apart. */
export type HostPathKind = 'missing' | 'directory' | 'file' | 'socket' | 'charDevice' | 'blockDevice' | 'other';

/** What is at `path` (following symlinks, as kubelet does). */
export function hostPathKind(path: string): HostPathKind {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'charDevice' : st.isBlockDevice() ? 'blockDevice' : 'other';
}

/** What to create before checking a hostPath: a *OrCreate type makes its kind when nothing is
 *  there; an untyped path still gets a directory (the Docker-era behaviour the agent had). */
export function hostPathCreate(type: string | undefined, kind: HostPathKind): 'directory' | 'file' | undefined {
  if (kind !== 'missing') return undefined;
  if (type === 'DirectoryOrCreate' || !type) return 'directory';
  return type === 'FileOrCreate' ? 'file' : undefined;
}

const HOST_PATH_WANTS: Readonly<Record<string, readonly [HostPathKind, string]>> = {
  DirectoryOrCreate: ['directory', 'is not a directory'],
  Directory: ['directory', 'is not a directory'],
  FileOrCreate: ['file', 'is not a file'],
  File: ['file', 'is not a file'],
  Socket: ['socket', 'is not a socket file'],
  CharDevice: ['charDevice', 'is not a character device'],
  BlockDevice: ['blockDevice', 'is not a block device'],
};

/** Kubelet's hostPath type check: its error message when `kind` does not fit `type`, else undefined. */
export function hostPathCheck(path: string, type: string | undefined, kind: HostPathKind): string | undefined {
  if (!type) return undefined;
  const want = HOST_PATH_WANTS[type];
  if (!want) return `hostPath type check failed: invalid HostPathType ${type}`;
  if (kind === 'missing') return `hostPath type check failed: ${path} does not exist`;
  return kind === want[0] ? undefined : `hostPath type check failed: ${path} ${want[1]}`;
}

/** Creates what the hostPath's type asks for (dirs 0755 with parents, files 0644 in an existing
 *  parent), checks its type and returns the volume; throws VolumeMountError as kubelet fails SetUp. */
function prepareHostPath(name: string, path: string, type: string | undefined): PreparedVolume {
  let kind = hostPathKind(path);
  const create = hostPathCreate(type, kind);
  try {
    if (create === 'directory') mkdirSync(path, { recursive: true, mode: 0o755 });
    else if (create === 'file') closeSync(openSync(path, 'a', 0o644));
  } catch (e) {
    throw new VolumeMountError(name, `hostPath type check failed: ${(e as Error).message}`);
  }
  if (create) kind = hostPathKind(path);
  const err = hostPathCheck(path, type, kind);
  if (err) throw new VolumeMountError(name, err);
  return kind === 'directory' || kind === 'missing' ? { path } : { path, file: true };
}

function safeJoin(dir: string, rel: string): string {
  const p = normalize(join(dir, rel));
  if (!p.startsWith(`${dir}/`) && p !== dir) throw new ContainerConfigError(`invalid path "${rel}": must not contain '..'`);
  return p;
}

function sameContent(dir: string, files: ReadonlyMap<string, string>): boolean {
  try {
    const current = readdirSync(dir).filter((n) => !n.startsWith('..'));
    const tops = new Set([...files.keys()].map((k) => k.split('/')[0] ?? k));
    if (current.length !== tops.size || current.some((n) => !tops.has(n))) return false;
    for (const [rel, content] of files) if (readFileSync(safeJoin(dir, rel), 'utf8') !== content) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a volume's files as kubelet's AtomicWriter does: the files go to a fresh `..<time>`
 * directory, `..data` is swapped to it with one rename, and each top-level name is a symlink
 * through `..data`, so a reader sees the old set or the new one, never a mix. No-op when unchanged.
 */
export function writeAtomic(dir: string, files: ReadonlyMap<string, string>, mode = 0o644): boolean {
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, '..data')) && sameContent(dir, files)) return false;
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${Math.random().toString(36).slice(2, 8)}`;
  const tsDir = join(dir, stamp);
  mkdirSync(tsDir, { mode: 0o755 });
  for (const [rel, content] of files) {
    const p = safeJoin(tsDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    chmodSync(p, mode);
  }
  let old: string | undefined;
  try {
    old = readlinkSync(join(dir, '..data'));
  } catch {
    // first write
  }
  rmSync(join(dir, '..data_tmp'), { force: true });
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  const tops = new Set([...files.keys()].map((k) => k.split('/')[0] ?? k));
  for (const name of readdirSync(dir)) if (!name.startsWith('..') && !tops.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
  for (const name of tops) if (!existsSync(join(dir, name))) symlinkSync(`..data/${name}`, join(dir, name));
  if (old && old !== stamp) rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}

function keyFiles(kind: string, ns: string, name: string, data: Readonly<Record<string, string>> | undefined, items: readonly KeyToPath[] | undefined, optional: boolean | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!data) {
    if (optional) return out;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
  }
  if (!items) for (const [k, v] of Object.entries(data)) out.set(k, v);
  for (const it of items ?? []) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new ContainerConfigError(`configmap references non-existent config key: ${it.key} in ${kind} ${ns}/${name}`);
    }
    out.set(it.path, v);
  }
  return out;
}

function downwardFiles(pod: Pod, items: readonly DownwardAPIFile[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const it of items ?? []) {
    if (it.fieldRef) out.set(it.path, podFieldValue(pod, it.fieldRef.fieldPath));
    else if (it.resourceFieldRef) out.set(it.path, resourceFieldValue(pod, it.resourceFieldRef.containerName ?? '', it.resourceFieldRef));
  }
  return out;
}

async function volumeFiles(pod: Pod, v: Volume, src: VolumeSources): Promise<Map<string, string> | undefined> {
  const ns = pod.metadata?.namespace ?? 'default';
  if (v.configMap) return keyFiles('ConfigMap', ns, v.configMap.name, await src.configMap(ns, v.configMap.name), v.configMap.items, v.configMap.optional);
  if (v.secret) return keyFiles('Secret', ns, v.secret.secretName, await src.secret(ns, v.secret.secretName), v.secret.items, v.secret.optional);
  if (v.downwardAPI) return downwardFiles(pod, v.downwardAPI.items);
  if (!v.projected) return undefined;
  const out = new Map<string, string>();
  for (const s of v.projected.sources ?? []) {
    const part = s.configMap ? keyFiles('ConfigMap', ns, s.configMap.name, await src.configMap(ns, s.configMap.name), s.configMap.items, s.configMap.optional)
      : s.secret ? keyFiles('Secret', ns, s.secret.name, await src.secret(ns, s.secret.name), s.secret.items, s.secret.optional)
        : s.downwardAPI ? downwardFiles(pod, s.downwardAPI.items)
          : s.serviceAccountToken ? new Map([[s.serviceAccountToken.path, await src.serviceAccountToken(pod, s.serviceAccountToken.audience, s.serviceAccountToken.expirationSeconds ?? 3600)]])
            : new Map<string, string>();
    for (const [k, val] of part) out.set(k, val);
  }
  return out;
}

/** Writes or locates every volume of the pod; `podDir` is the pod's state directory. */
export async function prepareVolumes(pod: Pod, podDir: string, src: VolumeSources, images?: ImageVolumes): Promise<Map<string, PreparedVolume>> {
  const out = new Map<string, PreparedVolume>();
  for (const v of pod.spec.volumes ?? []) {
    const dir = join(podDir, 'volumes', v.name);
    if (v.hostPath) {
      out.set(v.name, prepareHostPath(v.name, v.hostPath.path, v.hostPath.type));
    } else if (v.image) {
      if (!images) throw new ContainerConfigError(`volume "${v.name}": image volumes are not supported on this node`);
      out.set(v.name, await images.prepare(pod, v, src));
    } else if (v.persistentVolumeClaim) {
      const path = await src.claimPath(pod.metadata?.namespace ?? 'default', v.persistentVolumeClaim.claimName);
      out.set(v.name, v.persistentVolumeClaim.readOnly ? { path, readOnly: true } : { path });
    } else {
      mkdirSync(dir, { recursive: true, mode: 0o777 });
      chmodSync(dir, 0o777);
      const files = await volumeFiles(pod, v, src);
      if (files) writeAtomic(dir, files);
      out.set(v.name, { path: dir, memory: v.emptyDir?.medium === 'Memory' });
    }
  }
  return out;
}

/**
 * Re-reads the pod's configMap, secret, downwardAPI and projected volumes and swaps in new
 * content where it changed (as kubelet's periodic volume sync); an object that cannot be read
 * now keeps its last content. Returns the names of the volumes that changed.
 */
export async function refreshVolumes(pod: Pod, podDir: string, src: VolumeSources): Promise<string[]> {
  const changed: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (!v.configMap && !v.secret && !v.downwardAPI && !v.projected) continue;
    // Service account tokens are renewed on their own schedule, not every sync.
    if (v.projected?.sources?.some((s) => s.serviceAccountToken)) continue;
    const files = await volumeFiles(pod, v, src).catch(() => undefined);
    if (files && writeAtomic(join(podDir, 'volumes', v.name), files)) changed.push(v.name);
  }
  return changed;
}

/** Sandbox mounts for every container's volumeMounts: tmpfs for memory emptyDirs first, then binds. */
export function sandboxMounts(pod: Pod, volumes: ReadonlyMap<string, PreparedVolume>): BindMount[] {
  const tmpfs: BindMount[] = [];
  const binds: BindMount[] = [];
  for (const [, v] of volumes) if (v.memory) tmpfs.push({ source: 'tmpfs', target: v.path, tmpfs: true });
  const seen = new Set<string>();
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
      if (seen.has(m.mountPath)) continue;
      seen.add(m.mountPath);
      if (m.subPath && v.file) throw new VolumeMountError(m.name, `failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}": ${v.path} is not a directory`);
      const source = m.subPath ? safeJoin(v.path, m.subPath) : v.path;
      if (m.subPath && !v.readOnly && !existsSync(source)) mkdirSync(source, { recursive: true });
      const file = m.subPath ? !['directory', 'missing'].includes(hostPathKind(source)) : v.file === true;
      binds.push({ source, target: m.mountPath, readOnly: m.readOnly === true || v.readOnly === true, ...(file ? { file } : {}) });
    }
  }
  return [...tmpfs, ...binds];
}
