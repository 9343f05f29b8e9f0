/**
 * The subresource API under `kubevirt-ts up`, through the API server's aggregation: a VM booting
 * the test guest from a hostDisk is started with virtualmachines/start, its serial console is
 * opened as a websocket (the shell prompt, a command and its output), a second console takes
 * over, a kubevirt.io:view user is refused the console but may get the VMI, pause/unpause drive
 * the Paused condition, a virt-handler kill -9 ends the console and its restart serves a new one,
 * vnc/screenshot is a non-blank PNG, restart makes a new VMI and stop ends it.
 * Needs root and a build (`npm run build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import WebSocket, { createWebSocketStream } from 'ws';
import { issueClientCert, loadCa, renderKubeconfig, type CertKeyPem } from '../../src/cluster/pki/index.js';
import { buildGuest } from '../guest/build.js';
import { GuestConsole, PROMPT } from '../guest/console.js';
import { until } from '../fixtures/wait.js';
import { stackSkip, UpCluster } from './harness.js';

const SUB = '/apis/subresources.kubevirt.io/v1/namespaces/default';
const KUBEVIRT_CR = `apiVersion: kubevirt.io/v1
kind: KubeVirt
metadata: {name: kubevirt, namespace: kubevirt}
spec: {configuration: {developerConfiguration: {featureGates: [HostDisk]}}}
`;
const VIEWER_BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubevirt.io:view}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: viewer}]
`;
const vmManifest = (disk: string): string => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: guest}
spec:
  runStrategy: Halted
  template:
    spec:
      domain:
        devices:
          disks: [{name: root, disk: {bus: virtio}}]
        resources: {requests: {memory: 128Mi}}
      terminationGracePeriodSeconds: 5
      volumes: [{name: root, hostDisk: {path: ${disk}, type: Disk}}]
`;

interface Api {
  readonly port: number;
  readonly ca: string;
}
const adminCert = (dataDir: string): CertKeyPem => ({ certPem: readFileSync(join(dataDir, 'pki/admin.crt'), 'utf8'), keyPem: readFileSync(join(dataDir, 'pki/admin.key'), 'utf8') });

function call(api: Api, who: CertKeyPem, method: string, path: string, body?: string): Promise<{ code: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: api.port, method, path, ca: api.ca, cert: who.certPem, key: who.keyPem, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function openConsole(api: Api, who: CertKeyPem, vmi: string): Promise<{ ws: WebSocket; console: GuestConsole; closed: Promise<number> }> {
  const ws = new WebSocket(`wss://127.0.0.1:${api.port}${SUB}/virtualmachineinstances/${vmi}/console`, ['plain.kubevirt.io'], { ca: api.ca, cert: who.certPem, key: who.keyPem });
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      assert.equal(ws.protocol, 'plain.kubevirt.io');
      resolve({ ws, console: new GuestConsole(createWebSocketStream(ws)), closed });
    });
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}

/** Opens a raw websocket stream (VNC, port-forward) through the API server and collects what arrives. */
function openStream(api: Api, who: CertKeyPem, path: string): Promise<{ ws: WebSocket; received: () => Buffer; closed: Promise<number> }> {
  const ws = new WebSocket(`wss://127.0.0.1:${api.port}${SUB}/${path}`, ['plain.kubevirt.io'], { ca: api.ca, cert: who.certPem, key: who.keyPem });
  const chunks: Buffer[] = [];
  ws.on('message', (d: Buffer) => chunks.push(Buffer.from(d)));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, received: () => Buffer.concat(chunks), closed }));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
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

/** Distinct colours of a PNG (RGB, 8-bit, filter types None/Sub/Up as zlib-inflated rows). */
function pngColours(png: Buffer): number {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  let pos = 8;
  let width = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const len = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    if (type === 'IHDR') width = png.readUInt32BE(pos + 8);
    if (type === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const seen = new Set<number>();
  let prev = Buffer.alloc(stride);
  for (let y = 0; (y + 1) * (stride + 1) <= raw.length; y++) {
    const f = raw[y * (stride + 1)];
    const row = Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= 3 ? (row[x - 3] ?? 0) : 0;
      row[x] = (v + (f === 1 ? left : f === 2 ? (prev[x] ?? 0) : 0)) & 0xff;
    }
    for (let x = 0; x < stride; x += 3) seen.add(((row[x] ?? 0) << 16) | ((row[x + 1] ?? 0) << 8) | (row[x + 2] ?? 0));
    prev = row;
  }
  return seen.size;
}

test('subresources under kubevirt-ts up: start, console, RBAC, pause, screenshot, restart, stop', { skip: stackSkip, timeout: 600_000 }, async () => {
  const guest = await buildGuest();
  const up = await UpCluster.start();
  const { dataDir } = up;
  const kubectl = up.kubectlAsync;
  const jsonpath = up.jsonpathAsync;
  let failure: unknown;
  try {
    mkdirSync(join(dataDir, 'disks'));
    const disk = join(dataDir, 'disks', 'guest.qcow2');
    copyFileSync(guest.disk, disk);
    const port = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(join(dataDir, 'kubeconfig'), 'utf8'))?.[1]);
    const api: Api = { port, ca: readFileSync(join(dataDir, 'pki/ca.crt'), 'utf8') };
    const admin = adminCert(dataDir);

    // Discovery and RBAC tooling see the aggregated group.
    await until('APIService available', async () => ((await jsonpath('apiservice', 'v1.subresources.kubevirt.io', '.status.conditions[?(@.type=="Available")].status')) === 'True' ? true : undefined), 60_000, 500);
    assert.match((await kubectl(['api-resources', '--api-group=subresources.kubevirt.io'])).out, /^NAME/m);
    assert.equal((await kubectl(['get', '--raw', '/apis/subresources.kubevirt.io/v1/version'])).code, 0);

    assert.equal((await kubectl(['apply', '-f', '-'], KUBEVIRT_CR)).code, 0);
    await until('VM accepted (HostDisk gate seen)', async () => ((await kubectl(['apply', '-f', '-'], vmManifest(disk))).code === 0 ? true : undefined), 30_000, 500);

    // start
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachines/guest/start`)).code, 202);
    const again = await call(api, admin, 'PUT', `${SUB}/virtualmachines/guest/start`);
    assert.equal(again.code, 409, again.body.toString());
    await until('VMI Running', async () => ((await jsonpath('vmi', 'guest', '.status.phase')) === 'Running' ? true : undefined), 120_000, 500);

    // console: prompt, a command, its output
    const first = await openConsole(api, admin, 'guest');
    await waitForPrompt(first.console, 180_000);
    const r = await first.console.run('echo $((6*7))', 20_000);
    assert.deepEqual(r, { output: '42\n', status: 0 });

    // a second console takes over
    const second = await openConsole(api, admin, 'guest');
    assert.equal(await first.closed, 1000);
    await waitForPrompt(second.console, 30_000);
    assert.equal((await second.console.run('uname -s', 20_000)).output, 'Linux\n');

    // kubevirt.io:view: get yes, console no
    const ca = await loadCa(readFileSync(join(dataDir, 'pki/ca.crt'), 'utf8'), readFileSync(join(dataDir, 'pki/ca.key'), 'utf8'));
    const viewer = await issueClientCert(ca, 'viewer', ['system:authenticated']);
    const binding = await kubectl(['apply', '-f', '-'], VIEWER_BINDING);
    assert.equal(binding.code, 0, binding.out);
    assert.equal((await call(api, viewer, 'GET', '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances/guest')).code, 200);
    await assert.rejects(openConsole(api, viewer, 'guest'), /HTTP 403/);
    assert.equal((await call(api, viewer, 'PUT', `${SUB}/virtualmachineinstances/guest/pause`)).code, 403);
    const viewerConfig = join(dataDir, 'viewer.kubeconfig');
    writeFileSync(viewerConfig, renderKubeconfig({ server: `https://127.0.0.1:${String(port)}`, caPem: api.ca, credentials: viewer, userName: 'viewer' }), { mode: 0o600 });
    const canI = async (...config: string[]): Promise<string> =>
      (await kubectl([...config, 'auth', 'can-i', 'get', 'virtualmachineinstances.subresources.kubevirt.io', '--subresource=console'])).out;
    assert.match(await canI('--kubeconfig', viewerConfig), /^no$/m);
    assert.match(await canI(), /^yes$/m);

    // the guest agent is absent: upstream's 500 with its message
    const info = await call(api, admin, 'GET', `${SUB}/virtualmachineinstances/guest/guestosinfo`);
    assert.equal(info.code, 500);
    assert.match(info.body.toString(), /VMI does not have guest agent connected/);

    // screenshot of the VGA text console
    const shot = await call(api, admin, 'GET', `${SUB}/virtualmachineinstances/guest/vnc/screenshot`);
    assert.equal(shot.code, 200, shot.body.toString());
    assert.ok(pngColours(shot.body) > 1, 'the screenshot is not blank');

    // VNC speaks RFB; port-forward reaches the guest's HTTP server through the pod IP
    const vnc = await openStream(api, admin, 'virtualmachineinstances/guest/vnc');
    await until('RFB banner', () => (/^RFB 003\.00\d\n/.test(vnc.received().toString('latin1')) ? true : undefined), 10_000, 100);
    vnc.ws.close();
    await vnc.closed;
    const pf = await openStream(api, admin, 'virtualmachineinstances/guest/portforward/80');
    pf.ws.send(Buffer.from('GET /hostname HTTP/1.0\r\n\r\n'));
    assert.equal(await pf.closed, 1000, 'the guest closed the HTTP connection');
    assert.match(pf.received().toString(), /^HTTP\/1\.[01] 200/);
    const expanded = await call(api, admin, 'GET', `${SUB}/virtualmachines/guest/expand-spec`);
    assert.equal(expanded.code, 200);
    assert.equal((JSON.parse(expanded.body.toString()) as { metadata: { name: string } }).metadata.name, 'guest');

    // pause / unpause
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachineinstances/guest/pause`)).code, 200);
    await until('Paused condition', async () => ((await jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status')) === 'True' ? true : undefined), 30_000, 300);
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachineinstances/guest/pause`)).code, 409);
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachineinstances/guest/unpause`)).code, 200);
    await until('Paused condition gone', async () => ((await jsonpath('vmi', 'guest', '.status.conditions[?(@.type=="Paused")].status')) === '' ? true : undefined), 30_000, 300);
    assert.equal((await second.console.run('echo alive', 20_000)).output, 'alive\n');

    // kill -9 of virt-handler ends its console sessions; the restarted handler serves consoles again
    const handlerPid = (): number => up.descendant(/virt-handler\.js .*--node-name node01 /);
    const killed = handlerPid();
    process.kill(killed, 'SIGKILL');
    await second.closed;
    const third = await until('a console through the restarted virt-handler', () => openConsole(api, admin, 'guest').catch(() => undefined), 60_000, 500);
    assert.notEqual(handlerPid(), killed);
    await waitForPrompt(third.console, 30_000);
    assert.equal((await third.console.run('echo back', 20_000)).output, 'back\n');
    third.ws.close();
    await third.closed;

    // restart: a new VMI
    const uid = await jsonpath('vmi', 'guest', '.metadata.uid');
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachines/guest/restart`)).code, 202);
    await until('a new VMI Running', async () => {
      const now = await jsonpath('vmi', 'guest', '.metadata.uid');
      return now !== '' && now !== uid && (await jsonpath('vmi', 'guest', '.status.phase')) === 'Running' ? true : undefined;
    }, 180_000, 500);

    // stop
    assert.equal((await call(api, admin, 'PUT', `${SUB}/virtualmachines/guest/stop`)).code, 202);
    await until('VM Stopped', async () => ((await jsonpath('vm', 'guest', '.status.printableStatus')) === 'Stopped' ? true : undefined), 120_000, 500);
    assert.equal(await jsonpath('vm', 'guest', '.spec.runStrategy'), 'Halted');
    const stopAgain = await call(api, admin, 'PUT', `${SUB}/virtualmachines/guest/stop`);
    assert.equal(stopAgain.code, 409, stopAgain.body.toString());
  } catch (e) {
    failure = e;
  }
  await kubectl(['delete', 'vm', 'guest', '--wait', '--timeout=60s']);
  const log = up.log;
  const code = await up.stop();
  if (failure) throw new Error(`${failure instanceof Error ? failure.stack ?? failure.message : JSON.stringify(failure)}\n--- up's log ---\n${log.slice(-6000)}`);
  assert.equal(code, 0, log.slice(-3000));
});
