// containerDisk support: an OCI image whose rootfs holds exactly one disk file under /disk/.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The path of the one regular file under rootfs/disk/; throws when there are none or several
 *  (symlinks are not followed, so the file is inside the rootfs). */
export async function extractSingleDisk(rootfs: string): Promise<string> {
  const dir = join(rootfs, 'disk');
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`containerDisk image has no /disk directory`);
  const files: string[] = [];
  for (const name of await readdir(dir)) {
    if ((await lstat(join(dir, name))).isFile()) files.push(name);
  }
  if (files.length !== 1) {
    throw new Error(`containerDisk image must hold exactly one file under /disk/, found ${files.length}${files.length ? `: ${files.sort().join(', ')}` : ''}`);
  }
  return join(dir, files[0]!);
}
