/**
 * Image volumes (KEP-4639) on the node agent, for real: a containerDisk-style image pushed to
 * Debian's docker-registry on loopback (basic auth), pulled with the pod's imagePullSecrets,
 * unpacked once into the node's image cache, and bind-mounted read-only into two pods' mount
 * namespaces; a pull without credentials shows ErrImagePull, then ImagePullBackOff.
 * Needs root (sandboxes), /usr/bin/docker-registry and htpasswd.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageStore } from '../../src/cluster/images/index.js';
import { removeNodeCgroups } from '../../src/cluster/kubelet/cgroups.js';
import { StateDir } from '../../src/cluster/kubelet/pod-record.js';
import { PodWorker, type PodApi } from '../../src/cluster/kubelet/pod-worker.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import type { Pod, PodStatus } from '../../src/cluster/kubelet/types.js';
import { pushOciLayout } from '../fixtures/oci-push.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { writeOciLayout } from '../guest/oci.js';

const skip = !sandboxSupported() ? 'needs root, unshare and nsenter' : !existsSync('/usr/bin/docker-registry') ? 'needs docker-registry' : false;
const NODE = 'kt-imgvol';
const auth = { username: 'kvts', password: 'img-volume-secret' };
const root = mkdtempSync('/var/tmp/kt-imgvol-');
let reg: RegistryFixture | undefined;
let reference = '';

before(async () => {
  if (skip) return;
  reg = await startRegistry({ auth });
  const disk = join(root, 'payload.img');
  writeFileSync(disk, 'containerDisk payload\n');
  await writeOciLayout(join(root, 'layout'), disk, 'disk.img', 'v1');
  reference = (await pushOciLayout(join(root, 'layout'), { registry: reg.url, repository: 'kubevirt-ts/disk', tag: 'v1', auth })).reference;
});

after(async () => {
  await reg?.stop();
  rmSync(root, { recursive: true, force: true });
  removeNodeCgroups(NODE);
});

/** The API the pod worker sees: only statuses and the pull secret matter here. */
function fakeApi(secrets: Record<string, Record<string, string>> = {}): PodApi & { statuses: Map<string, PodStatus> } {
  const statuses = new Map<string, PodStatus>();
  return {
    statuses,
    configMap: () => Promise.resolve(undefined),
    secret: (_ns, name) => Promise.resolve(secrets[name]),
    claimPath: () => Promise.reject(new Error('no claims in this test')),
    serviceAccountToken: () => Promise.resolve('token'),
    patchStatus: (pod, status) => Promise.resolve(void statuses.set(pod.metadata?.uid ?? '', status)),
    deleteFinal: () => Promise.resolve(),
  };
}
type FakeApi = ReturnType<typeof fakeApi>;

/** A host pod mounting the image at /cd; it copies the disk out and tries to write the mount. */
function imagePod(uid: string, withSecret: boolean): Pod {
  return {
    metadata: { name: `p-${uid}`, namespace: 'default', uid },
    spec: {
      nodeName: NODE,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      ...(withSecret ? { imagePullSecrets: [{ name: 'regcred' }] } : {}),
      volumes: [{ name: 'cd', image: { reference, pullPolicy: 'IfNotPresent' } }, { name: 'out', hostPath: { path: join(root, `out-${uid}`), type: 'DirectoryOrCreate' } }],
      containers: [{
        name: 'main',
        image: 'kubevirt-ts/host:latest',
        command: ['/bin/sh', '-c', 'ls /cd/disk > /out/ls; cat /cd/disk/disk.img > /out/disk; if touch /cd/disk/x 2>/out/touch; then echo writable; else echo readonly; fi > /out/ro'],
        volumeMounts: [{ name: 'cd', mountPath: '/cd' }, { name: 'out', mountPath: '/out' }],
      }],
    },
  };
}

async function syncUntil(w: PodWorker, api: FakeApi, pod: Pod, done: (s: PodStatus | undefined) => boolean, ms = 20_000): Promise<PodStatus | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const uid = pod.metadata?.uid ?? '';
    await w.sync({ ...pod, status: api.statuses.get(uid) });
    const s = api.statuses.get(uid);
    if (done(s)) return s;
    if (Date.now() > deadline) throw new Error(`condition not reached; last status ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const waiting = (s: PodStatus | undefined): string | undefined => s?.containerStatuses?.[0]?.state.waiting?.reason;

test('an image volume is pulled with the pod secrets, unpacked once, and mounted read-only in each pod', { skip, timeout: 90_000 }, async () => {
  const api = fakeApi({ regcred: { '.dockerconfigjson': JSON.stringify({ auths: { [reg?.host ?? '']: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } }) } });
  const store = new ImageStore({ dir: join(root, 'images') });
  const w = new PodWorker({ node: NODE, hostIP: '127.0.0.1', state: new StateDir(join(root, 'state')), api, images: { repoDir: process.cwd(), puller: store }, log: () => {} });
  const fetched: number[] = [];
  for (const uid of ['a', 'b']) {
    const s = await syncUntil(w, api, imagePod(uid, true), (st) => st?.phase === 'Succeeded' || st?.phase === 'Failed');
    assert.equal(s?.phase, 'Succeeded', JSON.stringify(s));
    const out = join(root, `out-${uid}`);
    assert.equal(readFileSync(join(out, 'ls'), 'utf8'), 'disk.img\n');
    assert.equal(readFileSync(join(out, 'disk'), 'utf8'), 'containerDisk payload\n');
    assert.equal(readFileSync(join(out, 'ro'), 'utf8'), 'readonly\n', readFileSync(join(out, 'touch'), 'utf8'));
    assert.match(readFileSync(join(out, 'touch'), 'utf8'), /Read-only file system/);
    await w.forget(uid);
    fetched.push(store.stats.manifestsFetched);
  }
  assert.equal(store.stats.rootfsUnpacked, 1, 'unpacked once for both pods');
  assert.equal(fetched[1], fetched[0], 'IfNotPresent: the second pod used the cached image');
});

test('an image volume that cannot be pulled shows ErrImagePull, then ImagePullBackOff', { skip, timeout: 60_000 }, async () => {
  const api = fakeApi();
  const w = new PodWorker({ node: NODE, hostIP: '127.0.0.1', state: new StateDir(join(root, 'state-bad')), api, images: { repoDir: process.cwd(), puller: new ImageStore({ dir: join(root, 'images-bad') }) }, log: () => {} });
  const pod = imagePod('c', false);
  const first = await syncUntil(w, api, pod, (s) => waiting(s) === 'ErrImagePull');
  assert.equal(first?.phase, 'Pending');
  assert.match(first?.containerStatuses?.[0]?.state.waiting?.message ?? '', /pull access denied.*no basic auth credentials/);
  const second = await syncUntil(w, api, pod, (s) => waiting(s) === 'ImagePullBackOff');
  assert.equal(second?.containerStatuses?.[0]?.state.waiting?.message, `Back-off pulling image "${reference}"`);
  await w.forget('c');
});

test('two nodes sharing one image cache pull the same image at once and get one rootfs', { skip, timeout: 60_000 }, async () => {
  const dir = join(root, 'shared-images');
  const pullSecrets = [{ registry: reg?.host ?? '', ...auth }];
  const [a, b] = await Promise.all([new ImageStore({ dir }), new ImageStore({ dir })].map((s) => s.pull(reference, { policy: 'Always', pullSecrets })));
  assert.equal(a?.rootfs, b?.rootfs);
  assert.equal(readFileSync(join(a?.rootfs ?? '', 'disk', 'disk.img'), 'utf8'), 'containerDisk payload\n');
});
