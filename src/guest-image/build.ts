// Builds the tiny guest (the `up --demo` VM and the one every end-to-end test boots) from Debian
// packages only, and caches it.
//
// Usage:
//   npx tsx src/guest-image/build.ts [--cache-dir DIR] [--kernel-package NAME]   # prints the paths as JSON
//   import { buildGuest } from '../guest-image/build.js'; const g = await buildGuest();
//
// Outputs, in <cache>/<content-hash>/ (default cache: <repo>/.cache/guest, or $KUBEVIRT_TS_GUEST_CACHE):
//   vmlinuz, initrd.img   the kernelBoot pair (append GUEST_CMDLINE)
//   disk.qcow2            bootable disk (MBR + FAT16 + syslinux), qcow2, about 18 MB
//   oci/                  OCI image layout of the containerDisk (disk/disk.qcow2, owner 107:107)
//   build.json            what went in: package versions, modules, digests
// The hash covers this builder's sources, init/, and the resolved package versions, so a new
// kernel or an edited init script gives a new directory; an existing one is reused as is.
// Packages (a linux-image-*-cloud-amd64 kernel, busybox-static, and the programs of programs.ts
// with their libraries) are fetched with `apt-get download` into <cache>/debs and extracted with
// dpkg-deb; nothing is installed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpioNewc } from './cpio.js';
import { extractDeb, fetchDeb, resolvePackagesCached, type PinnedPackage } from './debs.js';
import { buildBootDisk, toQcow2 } from './disk.js';
import { runBuffer, run } from './exec.js';
import { initramfsEntries, type ModuleFile } from './initramfs.js';
import { loadOrder, moduleName, modinfoDepends, parseModulesBuiltin, type ModuleDeps } from './kmod.js';
import { writeOciLayout, type OciImage } from './oci.js';
import { PROGRAM_PACKAGES, programEntries } from './programs.js';

// The repository root from this module's place (src/guest-image or dist/guest-image); the
// builder's sources and init/ are read from src/ so the cache hash is the same from either.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(REPO, 'src', 'guest-image');

/** Kernel command line of the disk's syslinux.cfg; use it with kernelBoot too. The last
 *  console= (ttyS0) is /dev/console, where init's markers go; tty0 shows on VNC. Skipping the
 *  crypto self-tests saves over a second under TCG; mitigations are pointless in a test guest. */
export const GUEST_CMDLINE = 'console=tty0 console=ttyS0,115200 quiet cryptomgr.notests mitigations=off';

/** Drivers the guest loads (those the cloud kernel builds in are skipped): virtio bus and NIC,
 *  virtio and virtio-SCSI disks and CD-ROMs, ISO 9660 and FAT seeds, the ACPI power button.
 *  The cloud kernel has no AHCI, e1000 or USB drivers: guests need virtio (or SCSI) devices.
 *  Every module costs boot time under TCG (each insmod verifies a signature), so no extras. */
export const GUEST_MODULES = [
  'virtio_pci', 'virtio_net', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'sr_mod',
  'isofs', 'vfat', 'nls_cp437', 'nls_ascii', 'evdev', 'button',
] as const;

const DEFAULT_KERNEL_PACKAGE = 'linux-image-cloud-amd64';
const BUSYBOX_PACKAGE = 'busybox-static';
const SOURCES = ['build.ts', 'cpio.ts', 'debs.ts', 'disk.ts', 'elf.ts', 'exec.ts', 'initramfs.ts', 'kmod.ts', 'oci.ts', 'programs.ts'];

/** The built guest: absolute paths of its artefacts and what they were built from. */
export interface GuestImage {
  readonly dir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly disk: string;
  readonly oci: OciImage;
  readonly cmdline: string;
  readonly kernelVersion: string;
  readonly packages: readonly PinnedPackage[];
  readonly modules: readonly string[];
}

/** Options of buildGuest. */
export interface BuildOptions {
  /** Cache root (default $KUBEVIRT_TS_GUEST_CACHE or <repo>/.cache/guest). */
  readonly cacheDir?: string;
  /** Kernel package or meta-package (default linux-image-cloud-amd64). */
  readonly kernelPackage?: string;
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void;
}

/** The default cache root. */
export function defaultCacheDir(): string {
  return process.env.KUBEVIRT_TS_GUEST_CACHE ?? join(REPO, '.cache', 'guest');
}

async function initFiles(): Promise<Map<string, Buffer>> {
  const dir = join(SRC, 'init');
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name)));
  return files;
}

/** Content hash over the builder's inputs: its sources, init files and package pins. */
export async function inputHash(packages: readonly PinnedPackage[], init: ReadonlyMap<string, Buffer>): Promise<string> {
  const h = createHash('sha256');
  for (const src of SOURCES) h.update(`src ${src}\n`).update(await readFile(join(SRC, src)));
  for (const [name, data] of init) h.update(`init ${name}\n`).update(data);
  for (const p of packages) h.update(`pkg ${p.name}=${p.version}\n`);
  return h.digest('hex').slice(0, 16);
}

async function readModule(path: string): Promise<Buffer> {
  if (path.endsWith('.ko')) return readFile(path);
  if (path.endsWith('.ko.xz')) return runBuffer('xz', ['-dc', path]);
  if (path.endsWith('.ko.zst')) return runBuffer('zstd', ['-dc', path]);
  if (path.endsWith('.ko.gz')) return runBuffer('gzip', ['-dc', path]);
  throw new Error(`unknown kernel module format: ${path}`);
}

/** modules.dep is written by depmod at install time, so the .deb lacks it: read the wanted
 *  modules' own "depends=" and follow them, giving the dependency map of just that closure. */
async function moduleClosure(modRoot: string, wanted: readonly string[], builtin: ReadonlySet<string>): Promise<{ deps: ModuleDeps; data: Map<string, Buffer> }> {
  const files = (await readdir(join(modRoot, 'kernel'), { recursive: true })).filter((f) => /\.ko(\.(xz|zst|gz))?$/.test(f));
  const byName = new Map(files.map((f) => [moduleName(f), `kernel/${f}`]));
  const deps = new Map<string, readonly string[]>();
  const data = new Map<string, Buffer>();
  const queue = wanted.filter((n) => !builtin.has(n)).map((n) => byName.get(n) ?? `missing/${n}.ko`);
  for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
    if (deps.has(rel) || rel.startsWith('missing/')) continue;
    const ko = await readModule(join(modRoot, rel));
    const depPaths = modinfoDepends(ko).map((n) => byName.get(n) ?? `missing/${n}.ko`);
    deps.set(rel, depPaths);
    data.set(rel, ko);
    queue.push(...depPaths);
  }
  return { deps, data };
}

interface Extracted {
  readonly kernelVersion: string;
  readonly vmlinuz: string;
  readonly modules: ModuleFile[];
  readonly moduleNames: string[];
}

async function extractKernel(deb: string, work: string): Promise<Extracted> {
  const root = join(work, 'kernel');
  await extractDeb(deb, root);
  const versions = await readdir(join(root, 'lib', 'modules'));
  const kernelVersion = versions[0];
  if (versions.length !== 1 || kernelVersion === undefined) throw new Error(`kernel package ${deb} has ${versions.length} module trees`);
  const modRoot = join(root, 'lib', 'modules', kernelVersion);
  const builtin = parseModulesBuiltin(await readFile(join(modRoot, 'modules.builtin'), 'utf8'));
  const { deps, data } = await moduleClosure(modRoot, GUEST_MODULES, builtin);
  const modules = loadOrder(deps, GUEST_MODULES, builtin).map((rel) => ({
    name: basename(rel).replace(/\.ko\.(xz|zst|gz)$/, '.ko'),
    data: data.get(rel) ?? Buffer.alloc(0),
  }));
  return { kernelVersion, vmlinuz: join(root, 'boot', `vmlinuz-${kernelVersion}`), modules, moduleNames: modules.map((m) => m.name) };
}

async function build(out: string, work: string, debs: { kernel: string; busybox: string; programs: readonly string[] }, init: Map<string, Buffer>, log: (m: string) => void): Promise<Omit<GuestImage, 'dir' | 'packages'>> {
  log('extracting packages');
  const k = await extractKernel(debs.kernel, work);
  const bbRoot = join(work, 'busybox');
  await extractDeb(debs.busybox, bbRoot);
  const busyboxPath = join(bbRoot, 'bin', 'busybox');
  const applets = (await run(busyboxPath, ['--list-full'])).split('\n').filter((l) => l !== '');
  const programsRoot = join(work, 'programs');
  for (const deb of debs.programs) await extractDeb(deb, programsRoot);
  const extra = await programEntries(programsRoot);
  log(`building initramfs (kernel ${k.kernelVersion}, ${k.modules.length} modules)`);
  const entries = initramfsEntries({ busybox: await readFile(busyboxPath), applets, kernelVersion: k.kernelVersion, modules: k.modules, initFiles: init, extra });
  const kernel = join(out, 'vmlinuz');
  const initrd = join(out, 'initrd.img');
  await writeFile(initrd, gzipSync(cpioNewc(entries), { level: 9 }));
  await writeFile(kernel, await readFile(k.vmlinuz));
  log('building boot disk');
  const raw = await buildBootDisk({ kernel, initrd, cmdline: GUEST_CMDLINE, workDir: work });
  const disk = join(out, 'disk.qcow2');
  await toQcow2(raw, disk);
  log('writing containerDisk OCI layout');
  const oci = await writeOciLayout(join(out, 'oci'), disk, 'disk.qcow2');
  return { kernel, initrd, disk, oci, cmdline: GUEST_CMDLINE, kernelVersion: k.kernelVersion, modules: k.moduleNames };
}

function withDir(dir: string, info: Omit<GuestImage, 'dir'>): GuestImage {
  const at = (p: string): string => join(dir, p);
  return { ...info, dir, kernel: at('vmlinuz'), initrd: at('initrd.img'), disk: at('disk.qcow2'), oci: { ...info.oci, dir: at('oci') } };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp and work dirs of builds whose process is gone (killed mid-build). */
async function removeStale(cache: string): Promise<void> {
  for (const name of await readdir(cache).catch(() => [])) {
    const m = /^[0-9a-f]{16}\.(?:tmp|work)-(\d+)$/.exec(name);
    if (m && !alive(Number(m[1]))) await rm(join(cache, name), { recursive: true, force: true });
  }
}

/** Builds the guest into <cache>/<hash>/ unless that directory exists already; returns it. */
export async function buildGuest(opts: BuildOptions = {}): Promise<GuestImage> {
  const log = opts.log ?? ((): void => undefined);
  const cache = opts.cacheDir ?? defaultCacheDir();
  const packages = await resolvePackagesCached([opts.kernelPackage ?? DEFAULT_KERNEL_PACKAGE, BUSYBOX_PACKAGE, ...PROGRAM_PACKAGES], join(cache, 'resolved.json'));
  const init = await initFiles();
  const hash = await inputHash(packages, init);
  const dir = join(cache, hash);
  const infoFile = join(dir, 'build.json');
  if (existsSync(infoFile)) return withDir(dir, JSON.parse(await readFile(infoFile, 'utf8')) as Omit<GuestImage, 'dir'>);
  await removeStale(cache);
  const [kernelPkg, busyboxPkg, ...programPkgs] = packages as [PinnedPackage, PinnedPackage, ...PinnedPackage[]];
  log(`fetching ${packages.map((p) => `${p.name}=${p.version}`).join(', ')}`);
  const debDir = join(cache, 'debs');
  const programs: string[] = [];
  for (const p of programPkgs) programs.push(await fetchDeb(p, debDir));
  const debs = { kernel: await fetchDeb(kernelPkg, debDir), busybox: await fetchDeb(busyboxPkg, debDir), programs };
  const tmp = `${dir}.tmp-${process.pid}`;
  const work = `${dir}.work-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await mkdir(work, { recursive: true });
  try {
    const built = await build(tmp, work, debs, init, log);
    const rel = (p: string): string => basename(p);
    const info = { ...built, kernel: rel(built.kernel), initrd: rel(built.initrd), disk: rel(built.disk), oci: { ...built.oci, dir: 'oci' }, packages, hash };
    await writeFile(join(tmp, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
    await rename(tmp, dir).catch((e: unknown) => {
      if (!existsSync(infoFile)) throw e; // another process finished the same build first
    });
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  }
  return withDir(dir, JSON.parse(await readFile(infoFile, 'utf8')) as Omit<GuestImage, 'dir'>);
}

async function main(argv: readonly string[]): Promise<void> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cacheDir = flag('--cache-dir');
  const kernelPackage = flag('--kernel-package');
  const guest = await buildGuest({
    ...(cacheDir !== undefined ? { cacheDir: resolve(cacheDir) } : {}),
    ...(kernelPackage !== undefined ? { kernelPackage } : {}),
    log: (m) => process.stderr.write(`guest: ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(guest, null, 2)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`guest build failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
