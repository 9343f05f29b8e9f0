import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerConfigError } from './env.js';
import { hostPathCheck, hostPathCreate, hostPathKind, prepareVolumes, refreshVolumes, sandboxMounts, VolumeMountError, writeAtomic, type HostPathKind, type VolumeSources } from './volumes.js';
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

test('hostPathCheck and hostPathCreate follow kubelet\'s hostPath types', () => {
  const cases: [string | undefined, HostPathKind, 'directory' | 'file' | undefined, string | undefined][] = [
    [undefined, 'missing', 'directory', undefined],
    ['', 'file', undefined, undefined],
    ['', 'socket', undefined, undefined],
    ['DirectoryOrCreate', 'missing', 'directory', '/x does not exist'],
    ['DirectoryOrCreate', 'directory', undefined, undefined],
    ['DirectoryOrCreate', 'file', undefined, '/x is not a directory'],
    ['Directory', 'missing', undefined, '/x does not exist'],
    ['Directory', 'file', undefined, '/x is not a directory'],
    ['Directory', 'directory', undefined, undefined],
    ['FileOrCreate', 'missing', 'file', '/x does not exist'],
    ['FileOrCreate', 'file', undefined, undefined],
    ['FileOrCreate', 'directory', undefined, '/x is not a file'],
    ['File', 'missing', undefined, '/x does not exist'],
    ['File', 'file', undefined, undefined],
    ['File', 'charDevice', undefined, '/x is not a file'],
    ['Socket', 'socket', undefined, undefined],
    ['Socket', 'file', undefined, '/x is not a socket file'],
    ['CharDevice', 'charDevice', undefined, undefined],
    ['CharDevice', 'blockDevice', undefined, '/x is not a character device'],
    ['BlockDevice', 'blockDevice', undefined, undefined],
    ['BlockDevice', 'directory', undefined, '/x is not a block device'],
    ['Pipe', 'file', undefined, 'invalid HostPathType Pipe'],
  ];
  for (const [type, kind, create, err] of cases) {
    assert.equal(hostPathCreate(type, kind), create, `create ${String(type)} on ${kind}`);
    assert.equal(hostPathCheck('/x', type, kind), err && `hostPath type check failed: ${err}`, `check ${String(type)} on ${kind}`);
  }
  assert.deepEqual(['/dev/null', dir, join(dir, 'none')].map(hostPathKind), ['charDevice', 'directory', 'missing']);
});

test('prepareVolumes creates, checks and marks hostPath files and directories as kubelet does', async () => {
  const h = join(dir, 'host');
  mkdirSync(h);
  writeFileSync(join(h, 'file'), 'content');
  const hp = (name: string, path: string, type?: string): NonNullable<Pod['spec']['volumes']>[number] => ({ name, hostPath: { path: join(h, path), ...(type === undefined ? {} : { type }) } });
  const ok: [NonNullable<Pod['spec']['volumes']>[number], boolean][] = [
    [hp('f', 'file', 'File'), true],
    [hp('untyped-file', 'file'), true],
    [hp('dev', '', 'Directory'), false],
    [{ name: 'null', hostPath: { path: '/dev/null', type: 'CharDevice' } }, true],
    [hp('made', 'new/dir', 'DirectoryOrCreate'), false],
    [hp('created', 'created.conf', 'FileOrCreate'), true],
  ];
  const vols = await prepareVolumes({ ...pod, spec: { containers: [], volumes: ok.map(([v]) => v) } }, join(dir, 'hp'), sources);
  for (const [v, file] of ok) assert.equal(vols.get(v.name)?.file === true, file, v.name);
  assert.equal(statSync(join(h, 'new/dir')).mode & 0o777, 0o755);
  assert.equal(statSync(join(h, 'created.conf')).mode & 0o777, 0o644);
  assert.equal(statSync(join(h, 'created.conf')).size, 0);
  const bad: [NonNullable<Pod['spec']['volumes']>[number], string][] = [
    [hp('d', 'missing', 'Directory'), `hostPath type check failed: ${join(h, 'missing')} does not exist`],
    [hp('d', 'file', 'Directory'), `hostPath type check failed: ${join(h, 'file')} is not a directory`],
    [hp('f', '', 'File'), `hostPath type check failed: ${h} is not a file`],
    [hp('f', 'no/parent.conf', 'FileOrCreate'), 'ENOENT'],
    [hp('s', 'file', 'Socket'), `hostPath type check failed: ${join(h, 'file')} is not a socket file`],
  ];
  for (const [v, msg] of bad) {
    await assert.rejects(prepareVolumes({ ...pod, spec: { containers: [], volumes: [v] } }, join(dir, 'hp'), sources), (e: unknown) => e instanceof VolumeMountError && e.volume === v.name && e.reason === 'ContainerCreating' && e.message.includes(msg), `${v.name} ${msg}`);
  }
});

test('sandboxMounts marks file sources (hostPath files, file subPaths) so their targets are files', () => {
  mkdirSync(join(dir, 'sp'), { recursive: true });
  writeFileSync(join(dir, 'sp', 'one.conf'), 'x');
  const p: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', volumeMounts: [
    { name: 'f', mountPath: '/etc/app.conf', readOnly: true },
    { name: 'd', mountPath: '/etc/one.conf', subPath: 'one.conf' },
    { name: 'd', mountPath: '/data', subPath: 'sub' },
    { name: 'd', mountPath: '/all' },
  ] }] } };
  const vols = new Map([['f', { path: '/h/app.conf', file: true }], ['d', { path: join(dir, 'sp') }]]);
  assert.deepEqual(sandboxMounts(p, vols).map((m) => [m.target, m.file === true]), [['/etc/app.conf', true], ['/etc/one.conf', true], ['/data', false], ['/all', false]]);
  const sub: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'f', mountPath: '/x', subPath: 'y' }] }] } };
  assert.throws(() => sandboxMounts(sub, vols), (e: unknown) => e instanceof VolumeMountError && /is not a directory/.test(e.message));
});
