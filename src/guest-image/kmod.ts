// Resolves kernel modules to the ordered list busybox insmod must load: each module after the
// modules it depends on, read from the kernel's modules.dep. Pure; no file access.

/** modules.dep parsed: module path (relative to /lib/modules/<version>) -> its direct dependencies. */
export type ModuleDeps = ReadonlyMap<string, readonly string[]>;

/** Parses modules.dep text ("kernel/a.ko: kernel/b.ko kernel/c.ko" per line). */
export function parseModulesDep(text: string): ModuleDeps {
  const deps = new Map<string, readonly string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const deplist = line.slice(colon + 1).trim();
    deps.set(line.slice(0, colon).trim(), deplist === '' ? [] : deplist.split(/\s+/));
  }
  return deps;
}

/** The module name insmod/lsmod shows for a path: basename without .ko[.xz|.zst|.gz], '-' as '_'. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/** Names of modules built into the kernel, from modules.builtin (one path per line). */
export function parseModulesBuiltin(text: string): ReadonlySet<string> {
  return new Set(text.split('\n').filter((l) => l.trim() !== '').map((l) => moduleName(l.trim())));
}

/** Lists wanted modules (by name) and all their dependencies, dependencies first, skipping those
 *  built into the kernel; throws on a name that is neither (misspelt or not in this kernel). */
export function loadOrder(deps: ModuleDeps, wanted: readonly string[], builtin: ReadonlySet<string> = new Set()): string[] {
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(moduleName(path), path);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (path: string, chain: readonly string[]): void => {
    if (seen.has(path)) return;
    if (chain.includes(path)) throw new Error(`module dependency cycle: ${[...chain, path].join(' -> ')}`);
    for (const d of deps.get(path) ?? []) visit(d, [...chain, path]);
    seen.add(path);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (path === undefined && builtin.has(name.replace(/-/g, '_'))) continue;
    if (path === undefined) throw new Error(`module ${JSON.stringify(name)} is not a loadable module of this kernel`);
    visit(path, []);
  }
  return order;
}

/** The module names a .ko file's .modinfo section lists under "depends=" (what depmod reads). */
export function modinfoDepends(ko: Buffer): string[] {
  const at = ko.indexOf('\0depends=');
  if (at < 0) return [];
  const start = at + '\0depends='.length;
  const end = ko.indexOf(0, start);
  const value = ko.subarray(start, end < 0 ? ko.length : end).toString('latin1');
  return value === '' ? [] : value.split(',').map((d) => moduleName(d));
}
