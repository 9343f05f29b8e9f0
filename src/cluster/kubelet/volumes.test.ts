import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerConfigError } from './env.js';
import { prepareVolumes, refreshVolumes, sandboxMounts, writeAtomic, type VolumeSources } from './volumes.js';
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

test('writeAtomic swaps ..data to a new timestamped dir and links top-level names through it', () => {
  const d = join(dir, 'atomic');
  assert.equal(writeAtomic(d, new Map([['a', '1'], ['sub/b', '2']])), true);
  assert.equal(readlinkSync(join(d, 'a')), '..data/a');
  assert.equal(readFileSync(join(d, 'sub', 'b'), 'utf8'), '2');
  const first = readlinkSync(join(d, '..data'));
  assert.equal(writeAtomic(d, new Map([['a', '1'], ['sub/b', '2']])), false, 'unchanged content is not rewritten');
  assert.equal(writeAtomic(d, new Map([['a', 'changed']])), true);
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'changed');
  assert.notEqual(readlinkSync(join(d, '..data')), first);
  assert.deepEqual(readdirSync(d).filter((n) => !n.startsWith('..')), ['a'], 'removed keys disappear');
  assert.equal(readdirSync(d).filter((n) => n.startsWith('..') && n !== '..data').length, 1, 'the old generation is removed');
});

test('refreshVolumes rewrites changed configMap volumes and keeps content when the source is gone', async () => {
  const podDir = join(dir, 'refresh');
  let data: Record<string, string> | undefined = { k: 'v1' };
  const src: VolumeSources = { ...sources, configMap: () => Promise.resolve(data) };
  const p: Pod = { metadata: { name: 'r', namespace: 'ns' }, spec: { volumes: [{ name: 'cm', configMap: { name: 'live' } }], containers: [] } };
  await prepareVolumes(p, podDir, src);
  assert.deepEqual(await refreshVolumes(p, podDir, src), []);
  data = { k: 'v2' };
  assert.deepEqual(await refreshVolumes(p, podDir, src), ['cm']);
  assert.equal(readFileSync(join(podDir, 'volumes', 'cm', 'k'), 'utf8'), 'v2');
  data = undefined;
  assert.deepEqual(await refreshVolumes(p, podDir, src), []);
  assert.equal(readFileSync(join(podDir, 'volumes', 'cm', 'k'), 'utf8'), 'v2');
});
