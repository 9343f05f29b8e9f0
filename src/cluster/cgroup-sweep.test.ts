import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepNodeCgroups } from './cgroup-sweep.js';

const exited = (c: ChildProcess): Promise<NodeJS.Signals | null> => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.signalCode) : c.once('exit', (_code, sig) => resolve(sig))));

test('sweepNodeCgroups kills what runs in the swept nodes\' pod cgroups (v1 and v2 layouts) and nothing else', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kv-cgroup-'));
  const procs = [0, 1, 2].map(() => spawn('sleep', ['60'], { stdio: 'ignore' }));
  t.after(() => {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  const place = (dir: string, pid: number | undefined): void => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
  };
  place(join(root, 'memory', 'kubevirt-ts', 'node01', 'podA', 'compute'), procs[0]!.pid); // v1 controller
  place(join(root, 'kubevirt-ts', 'node02', 'podB', 'compute'), procs[1]!.pid); // v2 unified
  place(join(root, 'memory', 'kubevirt-ts', 'node03', 'podC', 'compute'), procs[2]!.pid); // another node's

  const killed = await sweepNodeCgroups(['node01', 'node02', 'node09'], { root, timeoutMs: 5000 });
  assert.deepEqual(killed.sort(), [procs[0]!.pid, procs[1]!.pid].sort());
  assert.equal(await exited(procs[0]!), 'SIGKILL');
  assert.equal(await exited(procs[1]!), 'SIGKILL');
  assert.equal(procs[2]!.exitCode, null, 'node03 was not swept');
  assert.equal(procs[2]!.signalCode, null);
  assert.deepEqual(await sweepNodeCgroups(['node01'], { root: join(root, 'missing') }), []);
});
