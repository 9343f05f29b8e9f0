/**
 * virtctl (the built binary) against `kubevirt-ts up` with the test guest booted from a hostDisk:
 * version prints client and server; start brings the VM up; the console shows the shell prompt and
 * a command's output; vnc --proxy-only serves the RFB banner to a TCP client; port-forward reaches
 * the guest's HTTP server on port 80; expose creates a Service for the VM; pause/unpause, a
 * screenshot, restart and stop.
 * Needs root and a build (`npm run build`).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { buildGuest } from '../guest/build.js';
import { GuestConsole, PROMPT } from '../guest/console.js';
import { until } from '../fixtures/wait.js';
import { kubectlPath, root, stackSkip, UpCluster } from './harness.js';

const missing = stackSkip ?? (existsSync(join(root, 'dist/cmd/virtctl.js')) ? undefined : 'run npm run build first');
// Short: the launcher socket's host path must fit a unix socket path (107 bytes).
const dataDir = mkdtempSync('/var/tmp/kv-');
after(() => rmSync(dataDir, { recursive: true, force: true }));
const kubeconfig = join(dataDir, 'kubeconfig');
const env = { ...process.env, KUBECONFIG: kubeconfig };

const KUBEVIRT_CR = `apiVersion: kubevirt.io/v1
kind: KubeVirt
metadata: {name: kubevirt, namespace: kubevirt}
spec: {configuration: {developerConfiguration: {featureGates: [HostDisk]}}}
`;
const vmManifest = (disk: string): string => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: guest}
spec:
  runStrategy: Halted
  template:
    metadata: {labels: {app: guest}}
    spec:
      domain:
        devices:
          disks: [{name: root, disk: {bus: virtio}}]
        resources: {requests: {memory: 128Mi}}
      terminationGracePeriodSeconds: 5
      volumes: [{name: root, hostDisk: {path: ${disk}, type: Disk}}]
`;

function kubectl(args: string[], input?: string): { code: number; out: string } {
  const r = spawnSync(kubectlPath ?? 'kubectl', args, { input, encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const jsonpath = (kind: string, name: string, path: string): string => kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]).out;

/** Runs the virtctl binary to completion. */
function virtctl(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/virtctl.js'), ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a long-running virtctl, collecting its output. */
function virtctlBackground(args: string[]): { child: ChildProcessWithoutNullStreams; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(root, 'bin/virtctl.js'), ...args], { env });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out.stderr += b.toString()));
  return { child, out, exited: new Promise((r) => child.once('exit', r)) };
}

/** Pokes the shell until a fresh prompt shows (the guest may still be booting). */
async function waitForPrompt(c: GuestConsole, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const from = c.text.length;
    c.write('\r');
    try {
      await c.waitFor(PROMPT, 5000, from);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
  }
}

test('virtctl drives a VM under kubevirt-ts up', { skip: missing, timeout: 600_000 }, async () => {
  const guest = await buildGuest();
  mkdirSync(join(dataDir, 'disks'));
  const disk = join(dataDir, 'disks', 'guest.qcow2');
  copyFileSync(guest.disk, disk);
  const up = await UpCluster.start({ dataDir, readyTimeoutMs: 120_000 });
  const background: ChildProcessWithoutNullStreams[] = [];
  let failure: unknown;
  try {
    await until('APIService available', () => (jsonpath('apiservice', 'v1.subresources.kubevirt.io', '.status.conditions[?(@.type=="Available")].status') === 'True' ? true : undefined), 60_000, 500);

    // version: client and server
    const version = virtctl(['version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^Client Version: version\.Info\{GitVersion:"v\d+\.\d+\.\d+".*\}\nServer Version: version\.Info\{GitVersion:"v[^"]+".*\}\n$/);

    assert.equal(kubectl(['apply', '-f', '-'], KUBEVIRT_CR).code, 0);
    await until('VM accepted (HostDisk gate seen)', () => (kubectl(['apply', '-f', '-'], vmManifest(disk)).code === 0 ? true : undefined), 30_000, 500);

    // start, and start again (refused: already running)
    const start = virtctl(['start', 'guest']);
    assert.deepEqual([start.code, start.stdout], [0, 'VM guest was scheduled to start\n'], start.stderr);
    await until('VMI Running', () => (jsonpath('vmi', 'guest', '.status.phase') === 'Running' ? true : undefined), 180_000, 500);
    const again = virtctl(['start', 'guest']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^Error starting VirtualMachine .+/);

    // console: the shell prompt, a command and its output; ends with stdin
    const cons = virtctlBackground(['console', 'guest']);
    background.push(cons.child);
    const shell = new GuestConsole(Duplex.from({ readable: cons.child.stdout, writable: cons.child.stdin }));
    await waitForPrompt(shell, 180_000);
    assert.deepEqual(await shell.run('echo $((6*7))', 20_000), { output: '42\n', status: 0 });
    assert.match(cons.out.stderr, /Successfully connected to guest console\. The escape sequence is \^\]/);
    cons.child.stdin.end();
    assert.equal(await cons.exited, 0, cons.out.stderr);

    // vnc --proxy-only: {"port":N}, then QEMU's RFB banner through the proxy
    const vnc = virtctlBackground(['vnc', 'guest', '--proxy-only']);
    background.push(vnc.child);
    const vncPort = (JSON.parse(await until('the port line', () => (vnc.out.stdout.includes('\n') ? vnc.out.stdout : undefined), 30_000)) as { port: number }).port;
    const banner = await new Promise<string>((resolve, reject) => {
      const c = connect(vncPort, '127.0.0.1');
      let got = '';
      c.on('data', (b: Buffer) => {
        got += b.toString('latin1');
        if (got.includes('\n')) {
          c.destroy();
          resolve(got);
        }
      });
      c.once('error', reject);
    });
    assert.match(banner, /^RFB 003\.00\d\n$/);
    vnc.child.kill('SIGINT');
    assert.equal(await vnc.exited, 0, vnc.out.stderr);

    // port-forward to the guest's HTTP server
    const pf = virtctlBackground(['port-forward', 'vmi/guest', '0:80']);
    background.push(pf.child);
    const local = Number(await until('the listener', () => /forwarding tcp 127\.0\.0\.1:(\d+) to 80/.exec(pf.out.stderr)?.[1], 30_000));
    const page = await until('the guest page', async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${local}/hostname`, { signal: AbortSignal.timeout(10_000) });
        return res.ok ? await res.text() : undefined;
      } catch {
        return undefined;
      }
    }, 90_000, 1000);
    assert.ok(page.trim().length > 0, 'the guest answered with its hostname');
    pf.child.kill('SIGINT');
    assert.equal(await pf.exited, 0, pf.out.stderr);

    // expose: a Service selecting the VM's template labels
    const expose = virtctl(['expose', 'vm', 'guest', '--name', 'guest-http', '--port', '8080', '--target-port', '80']);
    assert.deepEqual([expose.code, expose.stdout], [0, 'Service guest-http successfully exposed for vm guest\n'], expose.stderr);
    assert.equal(jsonpath('service', 'guest-http', '.spec.selector.app'), 'guest');
    assert.equal(jsonpath('service', 'guest-http', '.spec.ports[0].port'), '8080');
    assert.equal(jsonpath('service', 'guest-http', '.spec.ports[0].targetPort'), '80');

    // pause / unpause
    assert.equal(virtctl(['pause', 'vm', 'guest']).stdout, 'VMI guest was scheduled to pause\n');
    await until('Paused condition', () => (jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status') === 'True' ? true : undefined), 30_000, 300);
    assert.equal(virtctl(['unpause', 'vmi', 'guest']).stdout, 'VMI guest was scheduled to unpause\n');
    await until('Paused condition gone', () => (jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status') === '' ? true : undefined), 30_000, 300);

    // a screenshot is a PNG
    const shot = join(dataDir, 'shot.png');
    const screenshot = virtctl(['vnc', 'screenshot', 'guest', '--file', shot]);
    assert.equal(screenshot.code, 0, screenshot.stderr);
    assert.equal(readFileSync(shot).subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');

    // restart: a new VMI; stop: the VM stops
    const uid = jsonpath('vmi', 'guest', '.metadata.uid');
    assert.equal(virtctl(['restart', 'guest']).stdout, 'VM guest was scheduled to restart\n');
    await until('a new VMI Running', () => {
      const now = jsonpath('vmi', 'guest', '.metadata.uid');
      return now !== '' && now !== uid && jsonpath('vmi', 'guest', '.status.phase') === 'Running' ? true : undefined;
    }, 180_000, 500);
    assert.equal(virtctl(['stop', 'guest']).stdout, 'VM guest was scheduled to stop\n');
    await until('VM Stopped', () => (jsonpath('vm', 'guest', '.status.printableStatus') === 'Stopped' ? true : undefined), 120_000, 500);
  } catch (e) {
    failure = e;
  }
  for (const c of background) if (c.exitCode === null) c.kill('SIGKILL');
  kubectl(['delete', 'vm', 'guest', '--wait', '--timeout=60s']);
  const code = await up.stop();
  if (failure) throw up.withLog(failure);
  assert.equal(code, 0, up.log.slice(-3000));
});
