/**
 * virt-api's subresource server and virt-handler's console server together, in process over real
 * TLS: request-header authentication, RBAC double-check, VM lifecycle patches, pause through the
 * launcher, and console streams (echo on a unix socket) with takeover and clean closes.
 * The API server is a small in-memory fake KubeClient (unit test).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCa, issueClientCert, issueServerCert, type CertKeyPem } from '../../cluster/pki/index.js';
import type { KubeClient } from '../../client/kube-client.js';
import { StatusError } from '../../api/meta/index.js';
import { LauncherClient, LauncherServer, type LauncherHandlers } from '../../launcher-rpc/index.js';
import { startConsoleServer, VIRT_API_CLIENT_NAME, type RunningConsoleServer } from '../../virt-handler/console-server/index.js';
import { close, createVirtApiServer, listen } from '../server.js';
import { memoryDeps } from '../testing.js';
import { HandlerClient, subjectAccessReviewer, type SubresourceDeps } from './index.js';
import { until } from '../../../test/fixtures/wait.js';

const B = '/apis/subresources.kubevirt.io/v1/namespaces/ns';
const dir = mkdtempSync(join(tmpdir(), 'subres-'));
const objects = new Map<string, Record<string, unknown>>();
const patches: { path: string; body: unknown; query?: unknown }[] = [];
const launcherCalls: string[] = [];
let apiPort = 0;
let proxyCert: CertKeyPem;
let strangerCert: CertKeyPem;
let serving: CertKeyPem;
let caPem = '';
let consoleServer: RunningConsoleServer;
let launcher: LauncherServer;
let echo: Server;
const echoSockets = new Set<Socket>();
let apiServer: https.Server;
let handlerCa = '';
let otherKubevirtClient: CertKeyPem;

const fakeClient = {
  get: (path: string) => {
    const o = objects.get(path);
    return o ? Promise.resolve(structuredClone(o)) : Promise.reject(new StatusError(404, 'NotFound', `${path} not found`));
  },
  patch: (path: string, body: unknown, opts?: { query?: unknown }) => {
    patches.push({ path, body, query: opts?.query });
    return Promise.resolve({});
  },
  create: (_path: string, body: { spec: { user: string } }) => Promise.resolve({ status: { allowed: body.spec.user !== 'viewer', reason: 'viewers may not' } }),
  delete: () => Promise.resolve({}),
} as unknown as KubeClient;

const KV = '/apis/kubevirt.io/v1/namespaces/ns';
function seed(): void {
  objects.clear();
  objects.set(`${KV}/virtualmachineinstances/v`, { metadata: { name: 'v', namespace: 'ns', uid: 'vmi-uid' }, spec: { domain: { devices: {} } }, status: { phase: 'Running', nodeName: 'node01', conditions: [] } });
  objects.set(`${KV}/virtualmachines/vm1`, { metadata: { name: 'vm1', namespace: 'ns', uid: 'vm-uid' }, spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: {} } } } } });
}

before(async () => {
  const ca = await createCa('test-ca');
  const front = await createCa('front-proxy-ca');
  const kubevirt = await createCa('kubevirt-ca');
  serving = await issueServerCert(ca, { dnsNames: ['virt-api'] });
  caPem = ca.certPem;
  proxyCert = await issueClientCert(front, 'front-proxy-client');
  strangerCert = await issueClientCert(ca, 'front-proxy-client');
  const handlerServing = await issueServerCert(kubevirt, { dnsNames: ['virt-handler'] });
  const apiClient = await issueClientCert(kubevirt, VIRT_API_CLIENT_NAME);
  otherKubevirtClient = await issueClientCert(kubevirt, 'kubevirt.io:system:client:someone-else');
  handlerCa = kubevirt.certPem;

  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  await new Promise<void>((r) => echo.listen(join(dir, 'virt-serial0'), r));
  const handlers = {
    pause: () => (launcherCalls.push('pause'), Promise.resolve({ state: 'Paused', reason: 'User' })),
    getGuestInfo: () => Promise.resolve({ agentConnected: false }),
  } as unknown as LauncherHandlers;
  launcher = await LauncherServer.listen(join(dir, 'launcher.sock'), handlers);
  consoleServer = await startConsoleServer({
    tls: { certPem: handlerServing.certPem, keyPem: handlerServing.keyPem, clientCaPem: kubevirt.certPem },
    locate: async (ns, name) => {
      const vmi = await fakeClient.get(`/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${name}`);
      return { vmi: vmi as never, privateDir: dir, connect: () => LauncherClient.connect(join(dir, 'launcher.sock')) };
    },
  }, '127.0.0.1', 0);
  const deps: SubresourceDeps = {
    client: fakeClient,
    handlers: new HandlerClient(() => Promise.resolve({ host: '127.0.0.1', port: consoleServer.port }), { ca: kubevirt.certPem, cert: apiClient.certPem, key: apiClient.keyPem }),
    requestHeader: { caPem: front.certPem, allowedNames: ['front-proxy-client'] },
    authorize: subjectAccessReviewer(fakeClient),
    version: () => ({ gitVersion: 'v0.1.0' }),
  };
  apiServer = createVirtApiServer({ ...serving, deps: memoryDeps(), subresources: deps });
  apiPort = await listen(apiServer, 0, '127.0.0.1');
});

after(async () => {
  await consoleServer.close();
  await close(apiServer);
  await launcher.close();
  await new Promise((r) => echo.close(r));
  rmSync(dir, { recursive: true, force: true });
});

type Who = { cert?: CertKeyPem; user?: string };
function call(method: string, path: string, who: Who, body?: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = who.user ? { 'X-Remote-User': who.user, 'X-Remote-Group': 'system:authenticated' } : {};
    const req = https.request({ host: '127.0.0.1', port: apiPort, method, path, ca: caPem, servername: 'virt-api', headers, ...(who.cert ? { cert: who.cert.certPem, key: who.cert.keyPem } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function openConsole(who: Who): Promise<{ ws: WebSocket; received: () => string; closed: Promise<number> }> {
  const headers: Record<string, string> = who.user ? { 'X-Remote-User': who.user } : {};
  const ws = new WebSocket(`wss://127.0.0.1:${apiPort}${B}/virtualmachineinstances/v/console`, ['plain.kubevirt.io'], { ca: caPem, ...({ servername: 'virt-api' } as object), headers, ...(who.cert ? { cert: who.cert.certPem, key: who.cert.keyPem } : {}) });
  let got = '';
  ws.on('message', (d: Buffer) => (got += d.toString()));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, received: () => got, closed }));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}

const admin: Who = { user: 'alice' };

test('only callers vouched for by a request-header certificate are served; discovery is open', async () => {
  seed();
  assert.equal((await call('PUT', `${B}/virtualmachines/vm1/start`, { user: 'alice' })).code, 401, 'bare header');
  assert.equal((await call('PUT', `${B}/virtualmachines/vm1/start`, { cert: strangerCert, user: 'alice' })).code, 401, 'cert from another CA');
  assert.equal((await call('PUT', `${B}/virtualmachines/vm1/start`, { cert: proxyCert })).code, 401, 'no user named');
  const denied = await call('PUT', `${B}/virtualmachines/vm1/start`, { cert: proxyCert, user: 'viewer' });
  assert.equal(denied.code, 403);
  assert.match(denied.text, /User \\"viewer\\" cannot update resource \\"virtualmachines\/start\\"/);
  const list = JSON.parse((await call('GET', '/apis/subresources.kubevirt.io/v1', {})).text) as { resources: { name: string }[] };
  assert.ok(list.resources.some((r) => r.name === 'virtualmachineinstances/console'));
  assert.equal((await call('GET', '/apis/subresources.kubevirt.io/v1/healthz', {})).code, 200);
  assert.equal((await call('GET', '/apis/subresources.kubevirt.io/v1/version', { cert: proxyCert, user: 'alice' })).text, '{"gitVersion":"v0.1.0"}');
  assert.equal(patches.length, 0);
});

test('start/stop patch the VM as upstream; errors are metav1.Status with upstream codes', async () => {
  seed();
  patches.length = 0;
  const started = await call('PUT', `${B}/virtualmachines/vm1/start`, { ...admin, cert: proxyCert }, '{"dryRun":["All"]}');
  assert.equal(started.code, 202);
  assert.deepEqual(patches, [{ path: `${KV}/virtualmachines/vm1`, body: [{ op: 'test', path: '/spec/runStrategy', value: 'Halted' }, { op: 'replace', path: '/spec/runStrategy', value: 'Always' }], query: { dryRun: 'All' } }]);
  objects.set(`${KV}/virtualmachineinstances/vm1`, { metadata: { name: 'vm1', uid: 'x' }, spec: { domain: { devices: {} } }, status: { phase: 'Running' } });
  const again = await call('PUT', `${B}/virtualmachines/vm1/start`, { ...admin, cert: proxyCert });
  assert.equal(again.code, 409);
  assert.equal((JSON.parse(again.text) as { message: string }).message, 'Operation cannot be fulfilled on virtualmachine.kubevirt.io "vm1": VM is already running');
  assert.equal((await call('PUT', `${B}/virtualmachines/vm1/stop`, { ...admin, cert: proxyCert }, '{"gracePeriod": "x"}')).code, 400);
  assert.equal((await call('PUT', `${B}/virtualmachines/nope/stop`, { ...admin, cert: proxyCert })).code, 404);
  const info = await call('GET', `${B}/virtualmachineinstances/v/guestosinfo`, { ...admin, cert: proxyCert });
  assert.deepEqual(info, { code: 500, text: 'Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "v": VMI does not have guest agent connected' });
});

test('pause goes through virt-handler to the launcher; unpause of a running VMI is a 409', async () => {
  seed();
  launcherCalls.length = 0;
  assert.equal((await call('PUT', `${B}/virtualmachineinstances/v/pause`, { ...admin, cert: proxyCert })).code, 200);
  assert.deepEqual(launcherCalls, ['pause']);
  const un = await call('PUT', `${B}/virtualmachineinstances/v/unpause`, { ...admin, cert: proxyCert });
  assert.equal(un.code, 409);
  assert.match(un.text, /VMI is not paused/);
});

test('console streams the unix socket; a second connection takes over; closes propagate', async () => {
  seed();
  await assert.rejects(openConsole({ user: 'alice' }), /HTTP 401/);
  await assert.rejects(openConsole({ user: 'viewer', cert: proxyCert }), /HTTP 403/);
  const first = await openConsole({ ...admin, cert: proxyCert });
  first.ws.send(Buffer.from('hello'));
  await until('echo', () => (first.received() === 'echo:hello' ? true : undefined), 5000);
  const second = await openConsole({ ...admin, cert: proxyCert });
  assert.equal(await first.closed, 1000, 'the first console is closed cleanly');
  second.ws.send('again');
  await until('second echo', () => (second.received() === 'echo:again' ? true : undefined), 5000);
  assert.equal(echoSockets.size, 1, 'one console connection on the unix socket');
  second.ws.close();
  await second.closed;
  await until('unix socket closed', () => (echoSockets.size === 0 ? true : undefined), 5000);
  await until('session released', () => (consoleServer.sessions.size === 0 ? true : undefined), 5000);
});

test('a console whose unix side goes away is closed for the client', async () => {
  seed();
  const c = await openConsole({ ...admin, cert: proxyCert });
  c.ws.send('x');
  await until('connected', () => (echoSockets.size === 1 ? true : undefined), 5000);
  const t0 = Date.now();
  for (const s of echoSockets) s.destroy();
  assert.equal(await c.closed, 1000);
  assert.ok(Date.now() - t0 < 5000, 'closed promptly');
});

test('expand-vm-spec returns the VM in the namespace of the path, refusing another namespace', async () => {
  const vm = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'x' }, spec: { template: {} } };
  const ok = await call('PUT', `${B}/expand-vm-spec`, { ...admin, cert: proxyCert }, JSON.stringify(vm));
  assert.equal(ok.code, 200);
  assert.equal((JSON.parse(ok.text) as { metadata: { namespace: string } }).metadata.namespace, 'ns');
  const other = await call('PUT', `${B}/expand-vm-spec`, { ...admin, cert: proxyCert }, JSON.stringify({ ...vm, metadata: { name: 'x', namespace: 'other' } }));
  assert.equal(other.code, 400);
  assert.match(other.text, /VM namespace must be empty or ns/);
});

test('virt-handler answers only virt-api: another client certificate of the KubeVirt CA is refused', async () => {
  const code = await new Promise<number>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: consoleServer.port, method: 'PUT', path: '/v1/namespaces/ns/virtualmachineinstances/v/pause', ca: handlerCa, cert: otherKubevirtClient.certPem, key: otherKubevirtClient.keyPem }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(code, 403);
  await assert.rejects(new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: consoleServer.port, method: 'PUT', path: '/v1/namespaces/ns/virtualmachineinstances/v/pause', ca: handlerCa }, resolve);
    req.on('error', reject);
    req.end();
  }), 'no client certificate: the TLS handshake fails');
});
