/**
 * virtctl (the built binary) against `kubevirt-ts up` with the test guest booted from a hostDisk:
 * version prints client and server; start brings the VM up; the console shows the shell prompt and
 * a command's output; vnc --proxy-only serves the RFB banner to a TCP client and a real VNC client
 * (vncsnapshot) takes a non-blank picture through it; port-forward reaches the guest's HTTP server
 * on port 80 and UDP port-forward a UDP echo on port 53; ssh (key from cloud-init) runs a command
 * and scp copies files both ways; expose creates a Service for the VM; pause/unpause, a
 * screenshot, restart and stop.
 * Needs root, a build (`npm run build`), and vncsnapshot, djpeg and ssh (scripts/packages.extra).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { buildGuest } from '../guest/build.js';
import { GuestConsole, PROMPT } from '../guest/console.js';
import { until } from '../fixtures/wait.js';
import { kubectlPath, root, stackSkip, UpCluster } from './harness.js';

const missing =
  stackSkip ??
  (!existsSync(join(root, 'dist/cmd/virtctl.js'))
    ? 'run npm run build first'
    : ['vncsnapshot', 'djpeg', 'ssh', 'scp', 'ssh-keygen'].find((b) => !existsSync(`/usr/bin/${b}`))?.concat(' not installed (scripts/packages.extra)'));
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
const vmManifest = (disk: string, sshKey: string): string => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: guest}
spec:
  runStrategy: Halted
  template:
    metadata: {labels: {app: guest}}
    spec:
      domain:
        devices:
          disks: [{name: root, disk: {bus: virtio}}, {name: cloudinit, disk: {bus: virtio}}]
        resources: {requests: {memory: 128Mi}}
      terminationGracePeriodSeconds: 5
      volumes:
      - {name: root, hostDisk: {path: ${disk}, type: Disk}}
      - name: cloudinit
        cloudInitNoCloud:
          userData: |
            #cloud-config
            ssh_authorized_keys: [${JSON.stringify(sshKey)}]
`;

/** Distinct colours and the brightest channel value of a binary PPM (P6, maxval 255). */
function ppmStats(ppm: Buffer): { width: number; height: number; colours: number; brightest: number } {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  assert.ok(header, 'a binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(header[0].length);
  assert.equal(pixels.length, width * height * 3);
  const seen = new Set<number>();
  let brightest = 0;
  for (let i = 0; i < pixels.length; i += 3) {
    seen.add(pixels.readUIntBE(i, 3));
    brightest = Math.max(brightest, pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0);
  }
  return { width, height, colours: seen.size, brightest };
}

function kubectl(args: string[], input?: string): { code: number; out: string } {
  const r = spawnSync(kubectlPath ?? 'kubectl', args, { input, encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const jsonpath = (kind: string, name: string, path: string): string => kubectl(['get', kind, name, '-o', `jsonpath={${path}}`]).out;

/** Runs a program to completion without blocking the event loop (up's log pipe must drain). */
function runAsync(file: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'buffer' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: stdout.toString('latin1'), stderr: stderr.toString() });
    });
  });
}

/** Runs the virtctl binary to completion. */
function virtctl(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return runAsync(process.execPath, [join(root, 'bin/virtctl.js'), ...args], timeoutMs);
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

test('virtctl drives a VM under kubevirt-ts up', { skip: missing, timeout: 900_000 }, async () => {
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
    const version = await virtctl(['version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^Client Version: version\.Info\{GitVersion:"v\d+\.\d+\.\d+".*\}\nServer Version: version\.Info\{GitVersion:"v[^"]+".*\}\n$/);

    const key = join(dataDir, 'id_ed25519');
    assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'virtctl-e2e', '-f', key]).status, 0);
    assert.equal(kubectl(['apply', '-f', '-'], KUBEVIRT_CR).code, 0);
    const manifest = vmManifest(disk, readFileSync(`${key}.pub`, 'utf8').trim());
    await until('VM accepted (HostDisk gate seen)', () => (kubectl(['apply', '-f', '-'], manifest).code === 0 ? true : undefined), 30_000, 500);

    // start, and start again (refused: already running)
    const start = await virtctl(['start', 'guest']);
    assert.deepEqual([start.code, start.stdout], [0, 'VM guest was scheduled to start\n'], start.stderr);
    await until('VMI Running', () => (jsonpath('vmi', 'guest', '.status.phase') === 'Running' ? true : undefined), 180_000, 500);
    const again = await virtctl(['start', 'guest']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^Error starting VirtualMachine .+/);

    // console: the shell prompt, a command and its output; ends with stdin
    const cons = virtctlBackground(['console', 'guest']);
    background.push(cons.child);
    const shell = new GuestConsole(Duplex.from({ readable: cons.child.stdout, writable: cons.child.stdin }));
    await waitForPrompt(shell, 180_000);
    assert.deepEqual(await shell.run('echo $((6*7))', 20_000), { output: '42\n', status: 0 });
    // a UDP echo on port 53 for the UDP port-forward below (nc.traditional answers its first peer)
    assert.equal((await shell.run('nc.traditional -u -l -p 53 -e /bin/cat </dev/null >/dev/null 2>&1 &', 20_000)).status, 0);
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
    // a real VNC client through the same proxy: the guest's VGA text console, not a blank screen
    const jpeg = join(dataDir, 'vnc.jpg');
    const snap = await runAsync('vncsnapshot', ['-quiet', '-ignoreblank', `127.0.0.1::${vncPort}`, jpeg], 120_000);
    assert.equal(snap.code, 0, `vncsnapshot: ${snap.stdout}${snap.stderr}`);
    const picture = ppmStats(Buffer.from((await runAsync('djpeg', ['-pnm', jpeg])).stdout, 'latin1'));
    assert.ok(picture.width >= 640 && picture.height >= 400, `a VGA-sized picture: ${picture.width}x${picture.height}`);
    assert.ok(picture.colours > 1 && picture.brightest > 128, `text on the screen: ${picture.colours} colours, brightest ${picture.brightest}`);
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

    // UDP port-forward (upstream's syntax udp/LOCAL:REMOTE): each datagram comes back echoed
    const upf = virtctlBackground(['port-forward', 'vmi/guest', 'udp/0:53']);
    background.push(upf.child);
    const udpPort = Number(await until('the UDP listener', () => /forwarding udp 127\.0\.0\.1:(\d+) to 53/.exec(upf.out.stderr)?.[1], 30_000));
    const udp = createSocket('udp4');
    const replies: string[] = [];
    udp.on('message', (m: Buffer) => replies.push(m.toString()));
    try {
      await until('a UDP echo', () => {
        if (replies.length === 0) udp.send(`ping ${process.pid}\n`, udpPort, '127.0.0.1');
        return replies.length > 0 ? true : undefined;
      }, 60_000, 2000);
      udp.send('second datagram\n', udpPort, '127.0.0.1');
      await until('the second echo', () => (replies.includes('second datagram\n') ? true : undefined), 30_000, 200);
      assert.equal(replies[0], `ping ${process.pid}\n`);
    } finally {
      udp.close();
    }
    upf.child.kill('SIGINT');
    assert.equal(await upf.exited, 0, upf.out.stderr);

    // ssh and scp over port-forward with the key cloud-init installed for root
    const sshFlags = ['-i', key, '-l', 'root', '--known-hosts', join(dataDir, 'known_hosts'), '--local-ssh-opts=-oStrictHostKeyChecking=accept-new', '--local-ssh-opts=-oBatchMode=yes'];
    const ssh = await virtctl(['ssh', ...sshFlags, 'vmi/guest', '-c', 'hostname']);
    assert.deepEqual([ssh.code, ssh.stdout], [0, page], ssh.stderr);
    const upload = join(dataDir, 'upload.txt');
    writeFileSync(upload, `copied by virtctl scp ${process.pid}\n`);
    const scpUp = await virtctl(['scp', ...sshFlags, upload, 'vmi/guest:/tmp/upload.txt']);
    assert.equal(scpUp.code, 0, scpUp.stderr);
    assert.equal((await virtctl(['ssh', ...sshFlags, 'vm/guest', '-c', 'cat /tmp/upload.txt'])).stdout, readFileSync(upload, 'utf8'));
    const download = join(dataDir, 'download.txt');
    const scpDown = await virtctl(['scp', ...sshFlags, 'root@vm/guest:/var/www/hostname', download]);
    assert.equal(scpDown.code, 0, scpDown.stderr);
    assert.equal(readFileSync(download, 'utf8'), page);

    // expose: a Service selecting the VM's template labels
    const expose = await virtctl(['expose', 'vm', 'guest', '--name', 'guest-http', '--port', '8080', '--target-port', '80']);
    assert.deepEqual([expose.code, expose.stdout], [0, 'Service guest-http successfully exposed for vm guest\n'], expose.stderr);
    assert.equal(jsonpath('service', 'guest-http', '.spec.selector.app'), 'guest');
    assert.equal(jsonpath('service', 'guest-http', '.spec.ports[0].port'), '8080');
    assert.equal(jsonpath('service', 'guest-http', '.spec.ports[0].targetPort'), '80');

    // pause / unpause
    assert.equal((await virtctl(['pause', 'vm', 'guest'])).stdout, 'VMI guest was scheduled to pause\n');
    await until('Paused condition', () => (jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status') === 'True' ? true : undefined), 30_000, 300);
    assert.equal((await virtctl(['unpause', 'vmi', 'guest'])).stdout, 'VMI guest was scheduled to unpause\n');
    await until('Paused condition gone', () => (jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status') === '' ? true : undefined), 30_000, 300);

    // a screenshot is a PNG
    const shot = join(dataDir, 'shot.png');
    const screenshot = await virtctl(['vnc', 'screenshot', 'guest', '--file', shot]);
    assert.equal(screenshot.code, 0, screenshot.stderr);
    assert.equal(readFileSync(shot).subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');

    // restart: a new VMI; stop: the VM stops
    const uid = jsonpath('vmi', 'guest', '.metadata.uid');
    assert.equal((await virtctl(['restart', 'guest'])).stdout, 'VM guest was scheduled to restart\n');
    await until('a new VMI Running', () => {
      const now = jsonpath('vmi', 'guest', '.metadata.uid');
      return now !== '' && now !== uid && jsonpath('vmi', 'guest', '.status.phase') === 'Running' ? true : undefined;
    }, 180_000, 500);
    assert.equal((await virtctl(['stop', 'guest'])).stdout, 'VM guest was scheduled to stop\n');
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
