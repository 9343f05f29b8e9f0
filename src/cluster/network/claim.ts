// Host-wide choice of a node's network index: several clusters (several `kubevirt-ts up` data
// dirs) may run on one host, so each node claims a free bridge kvts-brN (creating the link is
// atomic: it fails when another node holds N) and keeps N in its state dir across restarts.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, run } from './exec.js';
import { nodeNet } from './names.js';

const IP = '/usr/sbin/ip';

/** The index this node claimed before (its state dir remembers it), or undefined. */
async function remembered(stateDir: string): Promise<number | undefined> {
  const text = await readFile(join(stateDir, 'index'), 'utf8').catch(() => undefined);
  const n = Number(text?.trim());
  return text !== undefined && Number.isInteger(n) && n >= 1 && n <= 255 ? n : undefined;
}

/**
 * Claims the first free index from `preferred` up (1..255) by creating its bridge, or returns
 * the one remembered in `stateDir`. `create` is injectable for tests.
 */
export async function claimNodeIndex(stateDir: string, preferred: number, create: (bridge: string) => Promise<void> = (b) => run(IP, ['link', 'add', 'name', b, 'type', 'bridge']).then(() => undefined)): Promise<number> {
  const known = await remembered(stateDir);
  if (known !== undefined) return known;
  for (let n = preferred; n <= 255; n++) {
    try {
      await create(nodeNet(n).bridge);
    } catch (e) {
      if (e instanceof CommandError && /File exists/i.test(e.stderr)) continue;
      throw e;
    }
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'index'), `${n}\n`);
    return n;
  }
  throw new Error('no free pod network index on this host (kvts-br1..kvts-br255 all exist)');
}

/** Forgets the claim (after the bridge was removed on a clean stop). */
export async function releaseNodeIndex(stateDir: string): Promise<void> {
  await rm(join(stateDir, 'index'), { force: true });
}
