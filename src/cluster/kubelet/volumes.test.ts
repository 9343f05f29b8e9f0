import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerConfigError } from './env.js';
import { prepareVolumes, sandboxMounts, type VolumeSources } from './volumes.js';
import type { Pod } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelet-volumes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sources: VolumeSources = {
  configMap: (_ns, name) => Promise.resolve(name === 'cm' ? { a: '1', b: '2' } : undefined),
  secret: (_ns, name) => Promise.resolve(name === 's' ? { pw: 'x' } : undefined),
  claimPath: (_ns, claim) => (claim === 'bound' ? Promise.resolve('/srv/pv1') : Promise.reject(new ContainerConfigError(`persistentvolumeclaim "${claim}" is not bound`))),
  serviceAccountToken: (pod, aud) => Promise.resolve(`token-for-${pod.metadata?.name ?? ''}-${aud ?? ''}`),
};

const pod: Pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { app: 'x' } },
  spec: {
    volumes: [
      { name: 'cm', configMap: { name: 'cm', items: [{ key: 'b', path: 'sub/b.txt' }] } },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'mem', emptyDir: { medium: 'Memory' } },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'bound' } },
      { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'api' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }, { configMap: { name: 'cm' } }] } },
    ],
    containers: [{ name: 'c', volumeMounts: [{ name: 'cm', mountPath: '/etc/cm', readOnly: true }, { name: 'mem', mountPath: '/dev/shm' }, { name: 'pvc', mountPath: '/data', subPath: 'x' }, { name: 'proj', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
  },
};

test('prepareVolumes writes configMap, secret and projected files and locates claims', async () => {
  const vols = await prepareVolumes(pod, dir, sources);
  assert.equal(readFileSync(join(dir, 'volumes', 'cm', 'sub', 'b.txt'), 'utf8'), '2');
  assert.equal(readFileSync(join(dir, 'volumes', 'sec', 'pw'), 'utf8'), 'x');
  assert.equal(readFileSync(join(dir, 'volumes', 'proj', 'token'), 'utf8'), 'token-for-p-api');
  assert.equal(readFileSync(join(dir, 'volumes', 'proj', 'labels'), 'utf8'), 'app="x"');
  assert.equal(readFileSync(join(dir, 'volumes', 'proj', 'a'), 'utf8'), '1');
  assert.equal(vols.get('pvc')?.path, '/srv/pv1');
  assert.equal(vols.get('mem')?.memory, true);
});

test('sandboxMounts puts memory tmpfs first, then binds with subPath and readOnly', () => {
  const vols = new Map([['cm', { path: '/s/cm' }], ['mem', { path: '/s/mem', memory: true }], ['pvc', { path: dir }], ['proj', { path: '/s/proj' }]]);
  const mounts = sandboxMounts(pod, vols);
  assert.deepEqual(mounts.map((m) => [m.tmpfs ? 'tmpfs' : 'bind', m.source, m.target, Boolean(m.readOnly)]), [
    ['tmpfs', 'tmpfs', '/s/mem', false],
    ['bind', '/s/cm', '/etc/cm', true],
    ['bind', '/s/mem', '/dev/shm', false],
    ['bind', join(dir, 'x'), '/data', false],
    ['bind', '/s/proj', '/var/run/secrets/kubernetes.io/serviceaccount', false],
  ]);
});

test('missing sources and escaping paths are container config errors', async () => {
  const cases: [Pod['spec']['volumes'], RegExp][] = [
    [[{ name: 'v', configMap: { name: 'missing' } }], /configmap "missing" not found/],
    [[{ name: 'v', persistentVolumeClaim: { claimName: 'pending' } }], /is not bound/],
    [[{ name: 'v', configMap: { name: 'cm', items: [{ key: 'a', path: '../../etc/x' }] } }], /must not contain '\.\.'/],
  ];
  for (const [volumes, re] of cases) {
    await assert.rejects(prepareVolumes({ ...pod, spec: { ...pod.spec, volumes } }, join(dir, 'bad'), sources), (e: unknown) => e instanceof ContainerConfigError && re.test(e.message));
  }
  assert.throws(() => sandboxMounts({ ...pod, spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }] } }, new Map()), /cannot find volume "nope"/);
});
