/**
 * Prepares each volume's bytes on the host before the domain is defined: qcow2 overlays over
 * read-only containerDisk images, PVC images, sparse empty/host disks, and cloud-init ISOs.
 * Returns the DiskSource per volume the converter takes.
 */
import { existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, closeSync, statSync, writeFileSync, truncateSync, rmSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import type { VirtualMachineInstance, Volume } from '../api/kubevirt/index.js';
import { quantityValue } from '../api/kubevirt/quantity.js';
import type { DiskSource, ImageFormat } from './converter/context.js';
import { LauncherError } from '../launcher-rpc/index.js';
import { run } from './exec.js';

const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);

/** Detects an image's format from its magic bytes: qcow2 ("QFI\xfb") or raw. */
export function detectImageFormat(path: string): ImageFormat {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return n === 4 && head.equals(QCOW2_MAGIC) ? 'qcow2' : 'raw';
  } finally {
    closeSync(fd);
  }
}

/** Rejects relative paths and `..` segments in host paths that come from the VMI or the caller. */
export function validateHostPath(field: string, path: string): string {
  if (!isAbsolute(path) || normalize(path) !== path || path.split('/').includes('..') || path.includes('\0')) {
    throw new LauncherError('InvalidVMI', 'InvalidVolume', `${field}: Invalid value: ${JSON.stringify(path)}: must be an absolute, normalized path`);
  }
  return path;
}

/** Where images come from: paths the caller resolved per volume, else upstream's mount points. */
export interface DiskInputs {
  readonly privateDir: string;
  /** Host path of a volume's image (containerDisk image file, PVC `disk.img` or block device), by volume name. */
  readonly volumePaths?: Readonly<Record<string, string>>;
  /** Directory holding each containerDisk image's filesystem at `<dir>/<volume>` (the pod's image volumes). */
  readonly containerDiskDir?: string;
  /** Directory holding one sub-directory per PVC volume. */
  readonly pvcDir?: string;
}

const fileOrBlock = (path: string): 'file' | 'block' => (statSync(path).isBlockDevice() ? 'block' : 'file');

function imageSource(path: string): DiskSource {
  const type = fileOrBlock(path);
  return { type, path, format: type === 'block' ? 'raw' : detectImageFormat(path) };
}

function requireExisting(field: string, path: string): string {
  validateHostPath(field, path);
  if (!existsSync(path)) throw new LauncherError('SyncFailed', 'DiskNotFound', `${field}: disk image ${path} does not exist`);
  return path;
}

const CONTAINER_DISKS_DIR = '/var/run/kubevirt/container-disks';

/** The disk file of a containerDisk whose image is mounted at `root`: `path` inside the image
 *  when the VMI names one, else the single regular file under `disk/` (DESIGN.md contract). */
export function containerDiskFile(field: string, root: string, path: string | undefined): string {
  if (path !== undefined && path !== '') {
    const inImage = join(root, path);
    if (!inImage.startsWith(`${root}/`) || path.split('/').includes('..')) throw new LauncherError('InvalidVMI', 'InvalidVolume', `${field}.path: Invalid value: ${JSON.stringify(path)}: must stay inside the image`);
    return requireExisting(`${field}.path`, inImage);
  }
  const dir = join(root, 'disk');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new LauncherError('SyncFailed', 'DiskNotFound', `${field}: no disk image: ${dir} does not exist (the image must hold one file under /disk/)`);
  }
  const regular = names.filter((n) => lstatSync(join(dir, n)).isFile()).sort();
  if (regular.length !== 1) throw new LauncherError('SyncFailed', 'DiskNotFound', `${field}: the image must hold exactly one file under /disk/, found ${regular.length}${regular.length ? `: ${regular.join(', ')}` : ''}`);
  return join(dir, regular[0] ?? '');
}

async function containerDisk(vmiDir: string, v: Volume, index: number, inp: DiskInputs): Promise<DiskSource> {
  const field = `volumes[${index}].containerDisk`;
  const given = inp.volumePaths?.[v.name];
  const image = given ? requireExisting(field, given) : containerDiskFile(field, join(inp.containerDiskDir ?? CONTAINER_DISKS_DIR, v.name), v.containerDisk?.path);
  const backing = imageSource(image);
  const overlay = join(vmiDir, `${v.name}.qcow2`);
  rmSync(overlay, { force: true });
  await run('qemu-img', ['create', '-f', 'qcow2', '-b', image, '-F', backing.format, overlay]);
  return { type: 'file', path: overlay, format: 'qcow2', backing: { type: backing.type, path: image, format: backing.format } };
}

function pvcDisk(v: Volume, index: number, inp: DiskInputs): DiskSource {
  const given = inp.volumePaths?.[v.name];
  const path = given ?? join(inp.pvcDir ?? '/var/run/kubevirt-private/vmi-disks', v.name, 'disk.img');
  return imageSource(requireExisting(`volumes[${index}]`, path));
}

async function emptyDisk(vmiDir: string, v: Volume, index: number): Promise<DiskSource> {
  const bytes = quantityValue(v.emptyDisk?.capacity);
  if (!(bytes > 0)) throw new LauncherError('InvalidVMI', 'InvalidVolume', `volumes[${index}].emptyDisk.capacity: Invalid value: must be positive`);
  const path = join(vmiDir, `${v.name}.qcow2`);
  if (!existsSync(path)) await run('qemu-img', ['create', '-f', 'qcow2', path, String(bytes)]);
  return { type: 'file', path, format: 'qcow2' };
}

function hostDisk(v: Volume, index: number): DiskSource {
  const hd = v.hostDisk;
  const field = `volumes[${index}].hostDisk.path`;
  const path = validateHostPath(field, hd?.path ?? '');
  if (!existsSync(path)) {
    if (hd?.type !== 'DiskOrCreate') throw new LauncherError('SyncFailed', 'DiskNotFound', `${field}: ${path} does not exist`);
    const bytes = quantityValue(hd.capacity);
    if (!(bytes > 0)) throw new LauncherError('InvalidVMI', 'InvalidVolume', `volumes[${index}].hostDisk.capacity: Invalid value: required for DiskOrCreate`);
    writeFileSync(path, '', { flag: 'wx', mode: 0o660 });
    truncateSync(path, bytes);
  }
  return imageSource(path);
}

const b64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));

/** Builds an ISO9660 (Joliet + Rock Ridge) image from files, with xorriso. */
export async function buildIso(out: string, label: string, files: Readonly<Record<string, string>>): Promise<void> {
  const dir = `${out}.d`;
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  rmSync(out, { force: true });
  try {
    await run('xorriso', ['-as', 'mkisofs', '-quiet', '-V', label, '-J', '-r', '-o', out, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cloudInit(vmiDir: string, vmi: VirtualMachineInstance, v: Volume): Promise<DiskSource> {
  const src = v.cloudInitNoCloud ?? v.cloudInitConfigDrive ?? {};
  const userData = src.userData ?? b64(src.userDataBase64) ?? '';
  const networkData = src.networkData ?? b64(src.networkDataBase64);
  const instanceId = `${vmi.metadata?.name ?? ''}.${vmi.metadata?.namespace ?? 'default'}`;
  const hostname = vmi.spec.hostname ?? vmi.metadata?.name ?? '';
  const out = join(vmiDir, `${v.name}.iso`);
  if (v.cloudInitNoCloud) {
    const files: Record<string, string> = { 'user-data': userData, 'meta-data': `instance-id: ${instanceId}\nlocal-hostname: ${hostname}\n` };
    if (networkData !== undefined) files['network-config'] = networkData;
    await buildIso(out, 'cidata', files);
  } else {
    const meta = JSON.stringify({ instance_id: instanceId, uuid: vmi.metadata?.uid ?? instanceId, hostname, local_hostname: hostname });
    const files: Record<string, string> = { 'openstack/latest/meta_data.json': meta, 'openstack/latest/user_data': userData };
    if (networkData !== undefined) files['openstack/latest/network_data.json'] = networkData;
    await buildIso(out, 'config-2', files);
  }
  return { type: 'file', path: out, format: 'raw' };
}

/** Prepares every volume the launcher can serve; volumes of other kinds are left to the converter's defaults. */
export async function prepareDisks(vmi: VirtualMachineInstance, inp: DiskInputs): Promise<Record<string, DiskSource>> {
  const vmiDir = join(inp.privateDir, 'disks');
  mkdirSync(vmiDir, { recursive: true, mode: 0o700 });
  const out: Record<string, DiskSource> = {};
  for (const [index, v] of (vmi.spec.volumes ?? []).entries()) {
    if (v.containerDisk) out[v.name] = await containerDisk(vmiDir, v, index, inp);
    else if (v.persistentVolumeClaim || v.dataVolume) out[v.name] = pvcDisk(v, index, inp);
    else if (v.emptyDisk) out[v.name] = await emptyDisk(vmiDir, v, index);
    else if (v.hostDisk) out[v.name] = hostDisk(v, index);
    else if (v.cloudInitNoCloud || v.cloudInitConfigDrive) out[v.name] = await cloudInit(vmiDir, vmi, v);
  }
  return out;
}
