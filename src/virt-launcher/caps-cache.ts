/**
 * A node-wide cache of libvirt's QEMU capabilities shared by launchers. Each launcher's libvirtd
 * keeps its own cache (/var/cache/libvirt/qemu/capabilities/<hash>.xml), which libvirt fills on the
 * first domain definition by running QEMU twice (~0.4 s CPU and 3-4 s wall here) and revalidates on
 * every load (QEMU and libvirtd binary ctimes, kernel, microcode, /dev/kvm), so a copied file is
 * used only where it is right. Launchers copy the node's files into their private cache before
 * defining; on a node without them, one launcher probes (holding a lock file) and publishes its
 * files while the others wait, as upstream launcher images ship a pre-filled cache instead.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The node-wide directory launchers share when --caps-cache-dir is not given. */
export const DEFAULT_SHARED_CAPS_DIR = '/var/cache/kubevirt-ts/qemu-capabilities';

/** Where libvirt keeps the QEMU capabilities files, relative to its cache dir (/var/cache/libvirt). */
const CAPS_SUBDIR = join('qemu', 'capabilities');
const LOCK = 'probe.lock';

/** Options of CapsCache; the timings are overridable for tests. */
export interface CapsCacheOptions {
  /** The node-wide directory (created if missing). */
  readonly sharedDir: string;
  /** The private libvirtd's cache dir on the host (bind-mounted on /var/cache/libvirt). */
  readonly libvirtCacheDir: string;
  /** How long to wait for another launcher's probe before probing too (default 30 s). */
  readonly waitMs?: number;
  /** A lock older than this is a dead prober's (default 60 s). */
  readonly staleMs?: number;
  readonly pollMs?: number;
  readonly log?: (msg: string) => void;
}

const xmlFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.xml')).sort();
  } catch {
    return [];
  }
};

const readOrNull = (path: string): Buffer | null => {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
};

/** Seeds a private libvirt cache from the node's before a definition, and publishes what libvirt probed after it. */
export class CapsCache {
  private readonly privateCaps: string;
  private seeded = new Map<string, Buffer>();
  private holdsLock = false;

  constructor(private readonly opts: CapsCacheOptions) {
    this.privateCaps = join(opts.libvirtCacheDir, CAPS_SUBDIR);
  }

  /** Copies the node's files into the private cache; with none there, probes under the lock or waits for the prober. */
  async beforeDefine(): Promise<void> {
    try {
      mkdirSync(this.opts.sharedDir, { recursive: true, mode: 0o700 });
      mkdirSync(this.privateCaps, { recursive: true, mode: 0o700 });
      const deadline = Date.now() + (this.opts.waitMs ?? 30_000);
      while (!this.seed()) {
        if (this.tryLock()) return; // ours to probe: libvirt fills the private cache on define
        if (Date.now() >= deadline) {
          this.opts.log?.('QEMU capabilities: no shared cache after waiting for another launcher; probing here');
          return;
        }
        await delay(this.opts.pollMs ?? 100);
      }
    } catch (e) {
      this.opts.log?.(`QEMU capabilities: shared cache unusable (${(e as Error).message}); probing here`);
    }
  }

  /** Publishes private files libvirt wrote or rewrote (atomically: temp file + rename) and drops the lock. */
  afterDefine(): Promise<void> {
    try {
      for (const name of xmlFiles(this.privateCaps)) {
        const data = readOrNull(join(this.privateCaps, name));
        const seeded = this.seeded.get(name);
        if (!data || seeded?.equals(data)) continue;
        // A seeded file libvirt rewrote did not validate here (QEMU or libvirtd updated, other kernel): a probe the cache missed.
        this.opts.log?.(`QEMU capabilities: ${seeded ? 'the node\'s cached' : 'new'} ${name} ${seeded ? 'was re-probed by libvirt' : 'probed'}; publishing it`);
        const tmp = join(this.opts.sharedDir, `.${name}.${process.pid}.tmp`);
        const fd = openSync(tmp, 'w', 0o600);
        try {
          writeSync(fd, data);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, join(this.opts.sharedDir, name));
        this.seeded.set(name, data);
      }
    } catch (e) {
      this.opts.log?.(`QEMU capabilities: could not publish to ${this.opts.sharedDir}: ${(e as Error).message}`);
    } finally {
      this.unlock();
    }
    return Promise.resolve();
  }

  /** Copies every shared file into the private cache; false when the node has none. */
  private seed(): boolean {
    const names = xmlFiles(this.opts.sharedDir);
    for (const name of names) {
      const dst = join(this.privateCaps, name);
      copyFileSync(join(this.opts.sharedDir, name), dst);
      const data = readOrNull(dst);
      if (data) this.seeded.set(name, data);
    }
    return names.length > 0;
  }

  /** Takes the probe lock (O_EXCL), first removing a stale one; true when it is ours. */
  private tryLock(): boolean {
    const lock = join(this.opts.sharedDir, LOCK);
    try {
      if (Date.now() - statSync(lock).mtimeMs > (this.opts.staleMs ?? 60_000)) rmSync(lock, { force: true });
    } catch {
      // no lock
    }
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      this.holdsLock = true;
      return true;
    } catch {
      return false;
    }
  }

  private unlock(): void {
    if (!this.holdsLock) return;
    this.holdsLock = false;
    rmSync(join(this.opts.sharedDir, LOCK), { force: true });
  }
}
