// Debian packages for the guest: resolves the exact versions apt would pick, downloads the .deb
// files into a cache with `apt-get download` (nothing is installed on the host), extracts them.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './exec.js';

/** A package pinned to the version apt resolved, e.g. busybox-static 1:1.35.0-4+deb12u1+b1. */
export interface PinnedPackage {
  readonly name: string;
  readonly version: string;
}

/** Parses the first stanza of Debian control text (as `apt-cache show` prints) into fields. */
export function parseControl(text: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  let last = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (fields.size > 0) break;
      continue;
    }
    if (/^\s/.test(line) && last !== '') {
      fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    fields.set(last, line.slice(colon + 1).trim());
  }
  return fields;
}

/** From a meta-package's Depends field, the concrete kernel image package it points to. */
export function kernelPackageFromDepends(depends: string): string | undefined {
  for (const alt of depends.split(/[,|]/)) {
    const name = alt.trim().split(/\s/)[0] ?? '';
    if (/^linux-image-.*-cloud-amd64(-unsigned)?$/.test(name)) return name;
  }
  return undefined;
}

async function candidate(name: string): Promise<ReadonlyMap<string, string>> {
  const fields = parseControl(await run('apt-cache', ['show', '--no-all-versions', name]));
  if (!fields.get('Version')) throw new Error(`apt-cache knows no candidate version of package ${JSON.stringify(name)}`);
  return fields;
}

/** Resolves a package name (following a linux-image-*cloud-amd64 meta-package to its image) to
 *  the concrete package and candidate version apt would download. */
export async function resolvePackage(name: string): Promise<PinnedPackage> {
  let fields = await candidate(name);
  const kernel = name.startsWith('linux-image-') ? kernelPackageFromDepends(fields.get('Depends') ?? '') : undefined;
  if (kernel !== undefined) fields = await candidate(kernel);
  return { name: fields.get('Package') ?? name, version: fields.get('Version') ?? '' };
}

async function aptState(): Promise<string> {
  const parts: string[] = [];
  for (const p of ['/var/lib/apt/lists', '/var/cache/apt/pkgcache.bin', '/etc/apt/preferences.d']) {
    parts.push(await stat(p).then((s) => `${p}@${s.mtimeMs}`, () => `${p}@-`));
  }
  return parts.join(' ');
}

/** resolvePackage for each name, remembered in cacheFile until apt's package lists change
 *  (apt-cache takes seconds on a loaded machine; a cached guest should cost nothing). */
export async function resolvePackagesCached(names: readonly string[], cacheFile: string): Promise<PinnedPackage[]> {
  const state = await aptState();
  const key = `${state} ${names.join(',')}`;
  const saved = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as { key: string; packages: PinnedPackage[] }, () => undefined);
  if (saved?.key === key) return saved.packages;
  const packages: PinnedPackage[] = [];
  for (const n of names) packages.push(await resolvePackage(n));
  await mkdir(dirname(cacheFile), { recursive: true });
  await writeFile(`${cacheFile}.${process.pid}`, JSON.stringify({ key, packages }));
  await rename(`${cacheFile}.${process.pid}`, cacheFile);
  return packages;
}

/** Downloads one pinned .deb into debDir (once; later calls reuse it) and returns its path. */
export async function fetchDeb(pkg: PinnedPackage, debDir: string): Promise<string> {
  const dir = join(debDir, `${pkg.name}_${pkg.version.replace(/[^A-Za-z0-9.+~-]/g, '_')}`);
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await run('apt-get', ['download', '-q', `${pkg.name}=${pkg.version}`], { cwd: tmp });
    await rename(tmp, dir).catch(async (e: unknown) => {
      await rm(tmp, { recursive: true, force: true });
      if (!existsSync(dir)) throw e;
    });
  }
  const debs = (await readdir(dir)).filter((f) => f.endsWith('.deb'));
  if (debs.length !== 1 || debs[0] === undefined) throw new Error(`expected one .deb in ${dir}, found ${debs.length}`);
  return join(dir, debs[0]);
}

/** Extracts a .deb's files (not its maintainer scripts) under dest. */
export async function extractDeb(deb: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await run('dpkg-deb', ['-x', deb, dest]);
}
