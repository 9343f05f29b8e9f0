/**
 * Releasing a pod kills what its containers left behind in a session of its own (as libvirtd
 * does with QEMU), found by the pod's mount namespace and by its cgroups; processes outside live on.
 * Needs root (unshare, nsenter).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { removeNodeCgroups, removePodCgroups, setupContainerCgroups } from '../../src/cluster/kubelet/cgroups.js';
import { namespaceMembers, sandboxSupported, startSandbox, stopSandbox } from '../../src/cluster/kubelet/sandbox.js';
import { isAlive, procStartTime } from '../../src/cluster/kubelet/procs.js';
import { until } from '../fixtures/wait.js';

const skip = sandboxSupported() ? false : 'needs root, unshare and nsenter';

test('stopSandbox kills detached processes in the pod mount namespace, not others', { skip, timeout: 30_000 }, async () => {
  const sandbox = await startSandbox({ hostNetwork: true, mounts: [] });
  // A daemon started inside the pod that left the container's process group and session.
  const daemon = spawn('nsenter', ['-t', String(sandbox.pid), '-m', '--', 'setsid', '-f', 'sleep', '300'], { stdio: 'ignore' });
  await new Promise((r) => daemon.once('exit', r));
  const outsider = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  try {
    const members = await until('the daemon in the pod namespace', () => {
      const m = namespaceMembers(sandbox.pid);
      return m.length > 0 ? m : undefined;
    }, 10_000, 20);
    const handles = members.map((pid) => ({ pid, startTime: procStartTime(pid) ?? '' }));
    assert.ok(!members.includes(outsider.pid ?? -1));
    assert.deepEqual(namespaceMembers(process.pid), [], "the agent's own namespace is never a pod's");
    stopSandbox(sandbox);
    await until('daemon and holder gone', () => (handles.every((h) => !isAlive(h.pid, h.startTime)) && !isAlive(sandbox.pid, sandbox.startTime) ? true : undefined), 10_000, 20);
    assert.ok(isAlive(outsider.pid ?? -1, procStartTime(outsider.pid ?? -1) ?? 'x'), 'a process outside the pod survives');
  } finally {
    outsider.kill('SIGKILL');
    stopSandbox(sandbox);
  }
});

test('removePodCgroups kills what still runs in the pod cgroups before removing them', { skip, timeout: 30_000 }, async (t) => {
  const node = 'kt-release-test';
  const { procs } = setupContainerCgroups(node, 'uid-r', { containers: [] }, { name: 'compute' });
  if (procs.length === 0) return t.skip('no writable cgroup controller');
  const stray = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  const pid = stray.pid ?? -1;
  const start = await until('the stray process', () => procStartTime(pid), 5_000, 10);
  try {
    for (const f of procs) writeFileSync(f, String(pid));
    removePodCgroups(node, 'uid-r');
    await until('the stray process killed', () => (isAlive(pid, start) ? undefined : true), 10_000, 20);
    await until('the pod cgroups removed', () => {
      removePodCgroups(node, 'uid-r');
      return procs.every((f) => !existsSync(dirname(f))) ? true : undefined;
    }, 10_000, 50);
  } finally {
    stray.kill('SIGKILL');
    removeNodeCgroups(node);
  }
});
