import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podsOnNodes, sweepPodCgroups } from './cgroup-sweep.js';

const exited = (c: ChildProcess): Promise<NodeJS.Signals | null> => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.signalCode) : c.once('exit', (_code, sig) => resolve(sig))));
const uid = (n: number): string => `0000000${n}-0000-4000-8000-000000000000`;

test('sweepPodCgroups kills what runs in the named pods\' cgroups (v1 and v2 layouts) and nothing else', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kv-cgroup-'));
  const procs = [0, 1, 2, 3].map(() => spawn('sleep', ['60'], { stdio: 'ignore' }));
  t.after(() => {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  const place = (dir: string, pid: number | undefined): void => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
  };
  place(join(root, 'memory', 'kubevirt-ts', 'node01', `pod${uid(1)}`, 'compute'), procs[0]!.pid); // v1 controller
  place(join(root, 'kubevirt-ts', 'node02', `pod${uid(2)}`, 'compute'), procs[1]!.pid); // v2 unified
  place(join(root, 'memory', 'kubevirt-ts', 'node01', `pod${uid(3)}`, 'compute'), procs[2]!.pid); // another cluster's pod on a node01
  place(join(root, 'memory', 'kubevirt-ts', 'node03', `pod${uid(1)}`, 'compute'), procs[3]!.pid); // same uid, other node

  const killed = await sweepPodCgroups([{ node: 'node01', uid: uid(1) }, { node: 'node02', uid: uid(2) }, { node: 'node09', uid: uid(9) }], { root, timeoutMs: 5000 });
  assert.deepEqual(killed.sort(), [procs[0]!.pid, procs[1]!.pid].sort());
  assert.equal(await exited(procs[0]!), 'SIGKILL');
  assert.equal(await exited(procs[1]!), 'SIGKILL');
  for (const p of [procs[2]!, procs[3]!]) assert.equal(p.exitCode ?? p.signalCode, null, 'pods not named are left alone');
  assert.deepEqual(await sweepPodCgroups([{ node: 'node01', uid: uid(1) }], { root: join(root, 'missing') }), []);
});

test('podsOnNodes lists the pod directories of the named nodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kv-nodes-'));
  try {
    for (const p of [`node01/pods/${uid(1)}`, `node01/pods/${uid(2)}`, `node02/pods/${uid(3)}`, 'node01/pods/not-a-uid', `node05/pods/${uid(5)}`]) mkdirSync(join(dir, p), { recursive: true });
    assert.deepEqual(podsOnNodes(dir, ['node01', 'node02', 'node03']).sort((a, b) => a.uid.localeCompare(b.uid)), [
      { node: 'node01', uid: uid(1) },
      { node: 'node01', uid: uid(2) },
      { node: 'node02', uid: uid(3) },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
