// Host-local IPAM for one node's /24: pod uid -> address, lowest free host number first
// (.2 to .254; .1 is the bridge), persisted as JSON in the node's state dir.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Allocations: pod uid -> IPv4 address. */
export type Allocations = Readonly<Record<string, string>>;

/** Thrown when every address of the node's /24 is taken. */
export class AddressesExhaustedError extends Error {
  constructor(cidr: string) {
    super(`no IP addresses available in range set: ${cidr}`);
    this.name = 'AddressesExhaustedError';
  }
}

/** The lowest free address of prefix (e.g. "10.244.1") not in allocations, or undefined. */
export function nextFree(prefix: string, allocations: Allocations): string | undefined {
  const used = new Set(Object.values(allocations));
  for (let host = 2; host <= 254; host++) {
    const ip = `${prefix}.${host}`;
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

/** The persisted allocation table of one node. */
export class Ipam {
  constructor(
    private readonly file: string,
    private readonly prefix: string,
  ) {}

  /** Current allocations (empty when the file does not exist yet). */
  async load(): Promise<Allocations> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Allocations;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  /** The pod's address: its existing allocation, else the lowest free one (persisted). */
  async allocate(podUid: string): Promise<string> {
    const all = await this.load();
    const have = all[podUid];
    if (have) return have;
    const ip = nextFree(this.prefix, all);
    if (!ip) throw new AddressesExhaustedError(`${this.prefix}.0/24`);
    await this.save({ ...all, [podUid]: ip });
    return ip;
  }

  /** Frees the pod's address (no-op when it has none). */
  async release(podUid: string): Promise<void> {
    const all = { ...(await this.load()) };
    if (!(podUid in all)) return;
    delete all[podUid];
    await this.save(all);
  }

  private async save(all: Allocations): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(`${this.file}.tmp`, JSON.stringify(all));
    await rename(`${this.file}.tmp`, this.file);
  }
}
