import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupPath, containerCpuMilli, killContainerCgroup, milliCpu, milliCpuToShares, podCpuShares, setCpuWeight, setEmbeddedPodsWeight, setupContainerCgroups, setupNodeCgroups, sharesToWeight } from './cgroups.js';

/** A fake cgroup root of either kind holding one container cgroup that lists `pid`. */
function fakeRoot(kind: 'v1' | 'v2', pid: number): { root: string; dirs: string[] } {
  const root = mkdtempSync(join(tmpdir(), `kv-cg-${kind}-`));
  const rel = cgroupPath('node01', 'uid-1', 'compute');
  let dirs: string[];
  if (kind === 'v2') {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpu memory');
    dirs = [join(root, rel)];
  } else {
    for (const [c, f] of [['memory', 'memory.limit_in_bytes'], ['cpu', 'cpu.cfs_quota_us']] as const) {
      mkdirSync(join(root, c), { recursive: true });
      writeFileSync(join(root, c, f), '-1');
    }
    dirs = [join(root, 'memory', rel), join(root, 'cpu', rel)];
  }
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cgroup.procs'), `${pid}\n`);
    if (kind === 'v2') writeFileSync(join(d, 'cgroup.kill'), '0');
  }
  return { root, dirs };
}

test('killContainerCgroup: cgroup.kill on v2, SIGKILL to each listed pid on v1', async (t) => {
  for (const kind of ['v1', 'v2'] as const) {
    const stray = spawn('sleep', ['300'], { stdio: 'ignore' });
    const pid = stray.pid ?? -1;
    const exited = new Promise<NodeJS.Signals | null>((r) => stray.once('exit', (_c, s) => r(s)));
    const { root, dirs } = fakeRoot(kind, pid);
    t.after(() => {
      stray.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    });
    assert.deepEqual(killContainerCgroup(cgroupPath('node01', 'uid-1', 'compute'), root), [pid], kind);
    if (kind === 'v2') {
      assert.equal(readFileSync(join(dirs[0]!, 'cgroup.kill'), 'utf8'), '1', 'the kernel kills the subtree');
      stray.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL', kind);
    assert.deepEqual(killContainerCgroup(cgroupPath('node01', 'uid-2', 'compute'), root), [], `${kind}: a container without a cgroup`);
  }
});

test('milliCpu, milliCpuToShares and sharesToWeight follow kubelet and runc', () => {
  const milli: [string | number | undefined, number][] = [[undefined, 0], ['', 0], ['0', 0], ['50m', 50], ['0.1', 100], ['2', 2000], [1.5, 1500], ['0.0001', 1], ['-1', 0]];
  for (const [q, want] of milli) assert.equal(milliCpu(q), want, String(q));
  const shares: [number, number][] = [[0, 2], [1, 2], [2, 2], [50, 51], [100, 102], [250, 256], [1000, 1024], [2000, 2048], [256_000, 262_144], [300_000, 262_144]];
  for (const [m, want] of shares) assert.equal(milliCpuToShares(m), want, `${m}m`);
  const weights: [number, number][] = [[0, 1], [2, 1], [51, 2], [128, 5], [1024, 39], [2048, 79], [262_144, 10_000], [1_000_000, 10_000]];
  for (const [s, want] of weights) assert.equal(sharesToWeight(s), want, `${s} shares`);
});

test('podCpuShares: summed container requests (a limit stands for a missing request), the largest init container, 2 for BestEffort', () => {
  const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => ({ name, resources: { requests, limits } });
  const cases: [string, Parameters<typeof podCpuShares>[0], number][] = [
    ['BestEffort', { containers: [{ name: 'a' }, c('b', { memory: '1Gi' })] }, 2],
    ['one request', { containers: [c('compute', { cpu: '50m' })] }, 51],
    ['summed', { containers: [c('a', { cpu: '250m' }), c('b', { cpu: '750m' })] }, 1024],
    ['limit only', { containers: [c('a', undefined, { cpu: '1' })] }, 1024],
    ['request beats limit', { containers: [c('a', { cpu: '100m' }, { cpu: '2' })] }, 102],
    ['init container larger', { containers: [c('a', { cpu: '100m' })], initContainers: [c('i', { cpu: '500m' })] }, 512],
    ['init container smaller', { containers: [c('a', { cpu: '1' })], initContainers: [c('i', { cpu: '500m' })] }, 1024],
  ];
  for (const [name, spec, want] of cases) assert.equal(podCpuShares(spec), want, name);
  assert.equal(containerCpuMilli(c('a', { cpu: '50m' }, { cpu: '1' })), 50);
});

/** An empty fake cgroup root of either kind (files the mode detection looks for). */
function emptyRoot(kind: 'v1' | 'v2', subtreeControl = 'cpu memory'): { root: string; cpu: string } {
  const root = mkdtempSync(join(tmpdir(), `kv-cgw-${kind}-`));
  if (kind === 'v2') {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    writeFileSync(join(root, 'cgroup.subtree_control'), `${subtreeControl}\n`);
    return { root, cpu: root };
  }
  for (const [c, f] of [['memory', 'memory.limit_in_bytes'], ['cpu', 'cpu.cfs_quota_us']] as const) {
    mkdirSync(join(root, c), { recursive: true });
    writeFileSync(join(root, c, f), '-1');
  }
  return { root, cpu: join(root, 'cpu') };
}

test('setupContainerCgroups, setupNodeCgroups: cpu.shares on v1, cpu.weight on v2', (t) => {
  const pod = { containers: [{ name: 'compute', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } }, { name: 'sidecar' }] };
  for (const kind of ['v1', 'v2'] as const) {
    const { root, cpu } = emptyRoot(kind);
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const weight = (rel: string) => readFileSync(join(cpu, 'kubevirt-ts', rel, kind === 'v1' ? 'cpu.shares' : 'cpu.weight'), 'utf8');
    assert.deepEqual(setupNodeCgroups(['node01', 'node02'], '2', root), [], kind);
    const top = join(cpu, 'kubevirt-ts', kind === 'v1' ? 'cpu.shares' : 'cpu.weight');
    assert.deepEqual(setEmbeddedPodsWeight(256, root), [], kind);
    assert.equal(readFileSync(top, 'utf8'), kind === 'v1' ? '256' : '10', `${kind}: all embedded pods`);
    assert.deepEqual(setEmbeddedPodsWeight('default', root), [], kind);
    assert.equal(readFileSync(top, 'utf8'), kind === 'v1' ? '1024' : '100', `${kind}: the kernel's default back`);
    for (const n of ['node01', 'node02']) assert.equal(weight(n), kind === 'v1' ? '2048' : '79', `${kind}: ${n} pods from allocatable`);
    const compute = setupContainerCgroups('node01', 'uid-1', pod, pod.containers[0]!, root);
    assert.deepEqual(compute.warnings, [], kind);
    assert.equal(weight('node01/poduid-1'), kind === 'v1' ? '51' : '2', `${kind}: pod level`);
    assert.equal(weight('node01/poduid-1/compute'), kind === 'v1' ? '51' : '2', `${kind}: container`);
    const memFile = kind === 'v1' ? join(root, 'memory', 'kubevirt-ts/node01/poduid-1/compute', 'memory.limit_in_bytes') : join(root, 'kubevirt-ts/node01/poduid-1/compute', 'memory.max');
    assert.equal(readFileSync(memFile, 'utf8'), String(128 * 1024 * 1024), `${kind}: the memory limit still applies`);
    assert.equal(compute.procs.length, kind === 'v1' ? 2 : 1, kind);
    assert.deepEqual(setupContainerCgroups('node01', 'uid-1', pod, pod.containers[1]!, root).warnings, [], kind);
    assert.equal(weight('node01/poduid-1/sidecar'), kind === 'v1' ? '2' : '1', `${kind}: BestEffort container`);
  }
});

test('setCpuWeight on v2 enables the cpu controller the parent offers but does not pass down', (t) => {
  const { root } = emptyRoot('v2', 'memory pids');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.deepEqual(setCpuWeight('kubevirt-ts', 128, root), []);
  assert.equal(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+cpu');
  assert.equal(readFileSync(join(root, 'kubevirt-ts', 'cpu.weight'), 'utf8'), '5');
});

test('cgroup weights: an unwritable controller gives warnings, never an exception', (t) => {
  const { root, cpu } = emptyRoot('v1');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(cpu, 'kubevirt-ts'), 'a file where a directory should be');
  const w = setupNodeCgroups(['node01', 'node02'], '2', root);
  assert.equal(w.length, 2);
  assert.match(w[0]!, /not writable.*cpu weight not set/);
  assert.equal(setupContainerCgroups('node01', 'uid-1', { containers: [{ name: 'c' }] }, { name: 'c' }, root).warnings.length, 2, 'pod and container');
  const none = mkdtempSync(join(tmpdir(), 'kv-cgw-none-'));
  t.after(() => rmSync(none, { recursive: true, force: true }));
  assert.deepEqual(setupNodeCgroups(['node01'], '2', none), ['cgroup cpu controller not available: cpu weight of kubevirt-ts/node01 not set']);
});
