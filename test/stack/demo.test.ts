/**
 * The README's first command: `kubevirt-ts up --demo` builds the guest locally (cached),
 * side-loads it as a containerDisk, applies examples/demo-vm.yaml, and the demo VM's guest boots:
 * real kubectl sees the VM and its VMI Running, and the serial console log (whose path `up`
 * prints) shows the guest booting, cloud-init's hostname `demo` and the user-data line, then the
 * shell prompt. Needs root, a build (`npm run build`) and the Debian archive for the first guest
 * build (KUBEVIRT_TS_GUEST_CACHE shares it between checkouts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { until } from '../fixtures/wait.js';
import { stackSkip as missing, UpCluster } from './harness.js';

/** PIDs of processes in the launcher pod's cgroups (QEMU among them), found by the pod UID. */
function podProcesses(podUid: string): number[] {
  const pids = spawnSync('pgrep', ['-f', 'guest=default_demo'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`pod${podUid}`);
    } catch {
      return false;
    }
  });
}
let podUid: string | undefined;

test('kubevirt-ts up --demo boots the demo VM from a side-loaded containerDisk', { skip: missing, timeout: 420_000 }, async () => {
  const up = await UpCluster.start({ args: ['--demo'] });
  const jsonpath = (kind: string, path: string): string => up.jsonpath(kind, 'demo', path);
  try {
    const hints = (): boolean | undefined => (up.log.includes('serial console log:') ? true : up.log.includes('demo VM not started') ? false : undefined);
    assert.ok(await until('the demo VM applied and its hints', hints, 240_000, 200), 'demo started');
    assert.match(up.log, /demo VirtualMachine "demo" applied/);
    assert.match(up.log, /node bin\/virtctl\.js console demo/);
    assert.match(up.kubectl(['get', 'vm', 'demo']).out, /^demo\s/m);

    await until('VMI Running', () => (jsonpath('vmi', '.status.phase') === 'Running' ? true : undefined), 180_000, 1000);
    const serialLog = await until('the serial console log path', () => /serial console log: (\/\S+virt-serial0-log)$/m.exec(up.log)?.[1], 30_000, 200);
    podUid = /\/pods\/([0-9a-f-]+)\/volumes\//.exec(serialLog)?.[1];
    assert.ok(podUid && podProcesses(podUid).length > 0, 'a QEMU runs in the launcher pod');
    const consoleText = (): string => (existsSync(serialLog) ? readFileSync(serialLog, 'utf8') : '');
    await until('the guest shell prompt on the serial console', () => (consoleText().includes('demo:~ # ') ? true : undefined), 180_000, 1000);
    const text = consoleText();
    for (const line of ['kubevirt-ts-guest: booting', 'cloud-init: nocloud seed on', 'cloud-init: hostname demo', 'hello from cloud-init user-data on demo', 'kubevirt-ts-guest: ready']) {
      assert.ok(text.includes(line), `serial console shows "${line}"`);
    }
    assert.equal(jsonpath('vm', '.status.printableStatus'), 'Running');
  } catch (e) {
    throw up.withLog(e);
  } finally {
    assert.equal(await up.stop(), 0, up.log.slice(-2000));
  }
});

// QEMU runs in its own session (libvirtd daemonizes it) inside the launcher pod's cgroup, so
// killing the pod's process group is not enough: up sweeps the pod cgroups on shutdown.
test('stopping up leaves no demo guest behind', { skip: missing }, () => {
  assert.ok(podUid, 'the demo ran');
  const left = podProcesses(podUid);
  for (const pid of left) process.kill(pid, 'SIGKILL'); // keep the machine clean even on failure
  assert.deepEqual(left, [], 'QEMU processes left in the launcher pod\'s cgroup');
});
