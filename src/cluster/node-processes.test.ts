import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { EMBEDDED_PODS_SHARES, embeddedPodsShares, reniceProcess } from './node-processes.js';

/** The nice value of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]));
}

test('reniceProcess sets every thread of a process; a missing process gives a warning', async (t) => {
  // A node process has several threads (V8 platform workers) before it runs any code of ours.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const pid = child.pid ?? -1;
  await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  assert.equal(reniceProcess(pid, 7), undefined);
  const nices = threadNices(pid);
  assert.ok(nices.length >= 1);
  assert.deepEqual(new Set(nices), new Set([7]));
  assert.match(reniceProcess(2 ** 22 + 1, 7) ?? '', /could not set nice 7 on process 4194305/);
});

test('embeddedPodsShares: the environment override when the kernel takes it, else the default', () => {
  const cases: [string | undefined, number][] = [[undefined, EMBEDDED_PODS_SHARES], ['', EMBEDDED_PODS_SHARES], ['1024', 1024], ['2', 2], ['1', EMBEDDED_PODS_SHARES], ['262145', EMBEDDED_PODS_SHARES], ['12.5', EMBEDDED_PODS_SHARES], ['lots', EMBEDDED_PODS_SHARES]];
  for (const [v, want] of cases) assert.equal(embeddedPodsShares(v === undefined ? {} : { KUBEVIRT_TS_EMBEDDED_PODS_SHARES: v }), want, String(v));
});
