// Builds cloud-init seed images the way KubeVirt attaches them: NoCloud (volume label cidata;
// meta-data, user-data, optional network-config) or ConfigDrive (label config-2;
// openstack/latest/meta_data.json, user_data), as ISO 9660 images made with xorriso.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './exec.js';

/** The contents of a seed. */
export interface SeedData {
  readonly metaData: string;
  readonly userData?: string;
  readonly networkData?: string;
}

/** The two data sources KubeVirt offers. */
export type SeedKind = 'noCloud' | 'configDrive';

/** File names (inside the image) and volume label of each seed kind. */
export function seedLayout(kind: SeedKind): { label: string; meta: string; user: string; network: string } {
  switch (kind) {
    case 'noCloud':
      return { label: 'cidata', meta: 'meta-data', user: 'user-data', network: 'network-config' };
    case 'configDrive':
      return {
        label: 'config-2',
        meta: 'openstack/latest/meta_data.json',
        user: 'openstack/latest/user_data',
        network: 'openstack/latest/network_data.json',
      };
  }
}

/** Writes the seed as an ISO 9660 image (Joliet + Rock Ridge) at `out`. */
export async function buildSeedIso(kind: SeedKind, data: SeedData, out: string): Promise<void> {
  const layout = seedLayout(kind);
  const root = await mkdtemp(join(tmpdir(), 'kvts-seed-'));
  try {
    const put = async (rel: string, body: string | undefined): Promise<void> => {
      if (body === undefined) return;
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), body);
    };
    await put(layout.meta, data.metaData);
    await put(layout.user, data.userData);
    await put(layout.network, data.networkData);
    await run('xorriso', ['-as', 'mkisofs', '-quiet', '-V', layout.label, '-J', '-R', '-o', out, root]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
