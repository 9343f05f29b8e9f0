/**
 * A tiny OCI image for pod tests: Debian's busybox-static (downloaded once into the shared cache)
 * as /bin/busybox with applet symlinks, Cmd ["sh"], an Env entry and a WorkingDir, written as an
 * OCI layout that test/fixtures/oci-push.ts pushes to a loopback registry.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractDeb, fetchDeb, resolvePackagesCached } from '../../src/guest-image/debs.js';
import { MediaType, sha256Digest, tarBuffer, writeBlob } from '../guest/oci.js';

/** Applets linked to /bin/busybox in the image. */
const APPLETS = ['sh', 'ls', 'cat', 'echo', 'sleep', 'env', 'pwd', 'id', 'hostname', 'wget', 'nc', 'httpd', 'mkdir', 'touch', 'test', 'true', 'false', 'grep', 'ip', 'ping', 'mount', 'readlink', 'head', 'tr', 'wc', 'kill', 'ps', 'stat', 'tty', 'stty'];

/** The image config the tests expect to be honoured. */
export const BUSYBOX_CONFIG = { Cmd: ['sh', '-c', 'echo default cmd in $(pwd) with $IMAGE_VAR; sleep 3600'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'IMAGE_VAR=from-image'], WorkingDir: '/work' };

const cacheDir = (): string => process.env.KUBEVIRT_TS_GUEST_CACHE ?? join(process.cwd(), '.cache', 'guest');

async function busyboxBinary(): Promise<Buffer> {
  const cache = cacheDir();
  const [pkg] = await resolvePackagesCached(['busybox-static'], join(cache, 'busybox-resolved.json'));
  if (!pkg) throw new Error('busybox-static did not resolve');
  const deb = await fetchDeb(pkg, join(cache, 'debs'));
  const tmp = await mkdtemp(join(tmpdir(), 'kvts-busybox-'));
  try {
    await extractDeb(deb, tmp);
    return await readFile(join(tmp, 'bin', 'busybox'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function layerTar(busybox: Buffer): Promise<Buffer> {
  return tarBuffer((p) => {
    const meta = { uid: 0, gid: 0, mtime: new Date(0) };
    for (const d of ['bin/', 'etc/', 'tmp/', 'var/', 'work/']) p.entry({ name: d, type: 'directory', mode: d === 'tmp/' ? 0o1777 : 0o755, ...meta });
    p.entry({ name: 'bin/busybox', type: 'file', mode: 0o755, size: busybox.length, ...meta }, busybox);
    for (const a of APPLETS) p.entry({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777, ...meta });
    // Debian-style /var/run -> /run: volume paths below it must resolve inside the root.
    p.entry({ name: 'var/run', type: 'symlink', linkname: '/run', mode: 0o777, ...meta });
    const passwd = Buffer.from('root:x:0:0:root:/root:/bin/sh\n');
    p.entry({ name: 'etc/passwd', type: 'file', mode: 0o644, size: passwd.length, ...meta }, passwd);
  });
}

/** Writes the busybox image as an OCI layout under `dir` and returns `dir`. */
export async function writeBusyboxLayout(dir: string): Promise<string> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const tar = await layerTar(await busyboxBinary());
  const layer = await writeBlob(dir, MediaType.layerGzip, gzipSync(tar));
  const config = await writeBlob(dir, MediaType.config, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: BUSYBOX_CONFIG, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } })));
  const manifest = await writeBlob(dir, MediaType.manifest, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.manifest, config, layers: [layer] })));
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.index, manifests: [{ ...manifest, platform: { architecture: 'amd64', os: 'linux' } }] }));
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return dir;
}
