import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupPath, killContainerCgroup } from './cgroups.js';

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
