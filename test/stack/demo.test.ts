/**
 * The README's first command: `kubevirt-ts up --demo` builds the guest locally (cached),
 * side-loads it as a containerDisk, applies examples/demo-vm.yaml, and the demo VM's guest boots:
 * real kubectl sees the VM and its VMI Running, and the serial console log (whose path `up`
 * prints) shows the guest booting, cloud-init's hostname `demo` and the user-data line, then the
 * shell prompt. Needs root, a build (`npm run build`) and the Debian archive for the first guest
 * build (KUBEVIRT_TS_GUEST_CACHE shares it between checkouts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, until } from '../fixtures/wait.js';

const root = new URL('../..', import.meta.url).pathname;
const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const missing = !kubectlPath ? 'kubectl not found' : process.getuid?.() !== 0 ? 'needs root' : !existsSync(join(root, 'dist/cmd/virt-launcher.js')) ? 'run npm run build first' : undefined;
// Short and outside /tmp: the launcher socket's host path must fit 107 bytes, and pods mount /tmp privately.
const dataDir = mkdtempSync('/var/tmp/kv-');
after(() => rmSync(dataDir, { recursive: true, force: true }));

function kubectl(args: string[]): { code: number; out: string } {
  const r = spawnSync(kubectlPath ?? 'kubectl', args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig') }, timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const jsonpath = (kind: string, path: string): string => kubectl(['get', kind, 'demo', '-o', `jsonpath={${path}}`]).out;
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
  const port = await freePort();
  const up = spawn(process.execPath, [join(root, 'bin/kubevirt-ts.js'), 'up', '--demo', '--data-dir', dataDir, '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  up.stdout.on('data', (b: Buffer) => (log += b.toString()));
  up.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
  try {
    const hints = (): boolean | undefined => (log.includes('serial console log:') ? true : log.includes('demo VM not started') ? false : undefined);
    assert.ok(await until('the demo VM applied and its hints', hints, 240_000, 200), 'demo started');
    assert.match(log, /demo VirtualMachine "demo" applied/);
    assert.match(log, /node bin\/virtctl\.js console demo/);
    assert.match(kubectl(['get', 'vm', 'demo']).out, /^demo\s/m);

    await until('VMI Running', () => (jsonpath('vmi', '.status.phase') === 'Running' ? true : undefined), 180_000, 1000);
    const serialLog = await until('the serial console log path', () => /serial console log: (\/\S+virt-serial0-log)$/m.exec(log)?.[1], 30_000, 200);
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
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- up's log ---\n${log.slice(-4000)}`);
  } finally {
    up.kill('SIGTERM');
    assert.equal(await exited, 0, log.slice(-2000));
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
