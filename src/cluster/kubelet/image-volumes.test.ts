import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageVolumes, podPullCredentials } from './image-volumes.js';
import { ImageResolveError, type ImagePuller } from './images.js';
import { prepareVolumes, sandboxMounts, type VolumeSources } from './volumes.js';
import type { Pod } from './types.js';

const dockerconfig = JSON.stringify({ auths: { '127.0.0.1:5000': { username: 'u', password: 'p' } } });
const secrets: VolumeSources = {
  configMap: () => Promise.resolve(undefined),
  secret: (_ns, name) => Promise.resolve(name === 'regcred' ? { '.dockerconfigjson': dockerconfig } : undefined),
  claimPath: () => Promise.reject(new Error('no claims here')),
  serviceAccountToken: () => Promise.resolve(''),
};

const pod = (reference: string, pullPolicy?: 'Always' | 'IfNotPresent' | 'Never'): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
  spec: {
    imagePullSecrets: [{ name: 'regcred' }, { name: 'missing' }],
    volumes: [{ name: 'disk', image: { reference, ...(pullPolicy ? { pullPolicy } : {}) } }],
    containers: [{ name: 'compute', volumeMounts: [{ name: 'disk', mountPath: '/var/run/kubevirt/container-disks/root' }] }],
  },
});

/** A puller that fails while `failing` is set and records every call. */
function fakePuller(): ImagePuller & { calls: { ref: string; policy: string; secrets: number }[]; failing: boolean } {
  const p = {
    calls: [] as { ref: string; policy: string; secrets: number }[],
    failing: false,
    pull(ref: string, o: Parameters<ImagePuller['pull']>[1]) {
      p.calls.push({ ref, policy: o.policy, secrets: o.pullSecrets?.length ?? 0 });
      if (p.failing) return Promise.reject(Object.assign(new Error(`failed to resolve reference "${ref}": not found`), { reason: 'ErrImagePull' }));
      return Promise.resolve({ digest: 'sha256:d', rootfs: `/cache/rootfs/${ref.length}`, config: {} });
    },
  };
  return p;
}

const reasonOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof ImageResolveError, String(e));
    return e.reason;
  }
};

test('podPullCredentials reads dockerconfigjson secrets and skips missing ones', async () => {
  assert.deepEqual(await podPullCredentials(pod('x'), secrets), [{ registry: '127.0.0.1:5000', username: 'u', password: 'p' }]);
});

test('an image volume pulls under its pull policy (defaulted from the tag) with the pod secrets', async () => {
  const cases: [string, 'Always' | 'IfNotPresent' | 'Never' | undefined, string][] = [
    ['127.0.0.1:5000/disk:v1', undefined, 'IfNotPresent'],
    ['127.0.0.1:5000/disk', undefined, 'Always'],
    ['127.0.0.1:5000/disk:latest', 'IfNotPresent', 'IfNotPresent'],
    ['127.0.0.1:5000/disk:v1', 'Never', 'Never'],
  ];
  for (const [ref, policy, want] of cases) {
    const puller = fakePuller();
    const p = pod(ref, policy);
    const got = await new ImageVolumes(puller).prepare(p, p.spec.volumes![0]!, secrets);
    assert.deepEqual(got, { path: `/cache/rootfs/${ref.length}`, readOnly: true });
    assert.deepEqual(puller.calls, [{ ref, policy: want, secrets: 1 }], ref);
  }
});

test('failed pulls show ErrImagePull for 5 s, then ImagePullBackOff without pulling until the back-off (10 s doubling) is over', async () => {
  const puller = fakePuller();
  puller.failing = true;
  let now = 1_000_000;
  const vols = new ImageVolumes(puller, () => now);
  const p = pod('127.0.0.1:5000/nope:v1');
  const v = p.spec.volumes![0]!;
  const steps: [number, string, number][] = [
    // [advance ms, reason, pulls so far]: ErrImagePull holds 5 s after each failed pull.
    [0, 'ErrImagePull', 1],
    [2_000, 'ErrImagePull', 1],
    [3_000, 'ImagePullBackOff', 1],
    [5_000, 'ErrImagePull', 2],
    [10_000, 'ImagePullBackOff', 2],
    [10_000, 'ErrImagePull', 3],
    [39_000, 'ImagePullBackOff', 3],
    [1_000, 'ErrImagePull', 4],
  ];
  for (const [advance, reason, pulls] of steps) {
    now += advance;
    assert.equal(await reasonOf(vols.prepare(p, v, secrets)), reason, `at +${now - 1_000_000} ms`);
    assert.equal(puller.calls.length, pulls);
  }
  puller.failing = false;
  now += 80_000;
  assert.equal(await reasonOf(vols.prepare(p, v, secrets)), 'ok');
  puller.failing = true;
  assert.equal(await reasonOf(vols.prepare(p, v, secrets)), 'ErrImagePull', 'a success resets the back-off');
});

test('image volumes without a reference or an image store fail with kubelet reasons', async () => {
  const p = pod('');
  assert.equal(await reasonOf(new ImageVolumes(fakePuller()).prepare(p, p.spec.volumes![0]!, secrets)), 'InvalidImageName');
  const q = pod('127.0.0.1:5000/disk:v1');
  assert.equal(await reasonOf(new ImageVolumes(undefined).prepare(q, q.spec.volumes![0]!, secrets)), 'ErrImagePull');
});

test('prepareVolumes mounts an image volume read-only even when the mount does not ask for it', async () => {
  const p = pod('127.0.0.1:5000/disk:v1');
  const vols = await prepareVolumes(p, '/nonexistent-pod-dir', secrets, new ImageVolumes(fakePuller()));
  const mounts = sandboxMounts(p, vols);
  assert.deepEqual(mounts, [{ source: `/cache/rootfs/${'127.0.0.1:5000/disk:v1'.length}`, target: '/var/run/kubevirt/container-disks/root', readOnly: true }]);
  await assert.rejects(prepareVolumes(p, '/nonexistent-pod-dir', secrets), /image volumes are not supported/);
});
