// virtctl against a real HTTPS + websocket server started here (TLS with a CA, client
// certificates and bearer tokens from a kubeconfig): request/response commands, console, VNC
// proxy, port-forward and screenshot over real sockets, and the binary itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as tcpConnect, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { CommandContext } from './api.js';
import { runVirtctl } from './cli.js';
import { connect } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), 'virtctl-https-'));
const root = new URL('../..', import.meta.url).pathname;

interface Seen {
  method: string;
  url: string;
  body: string;
  user?: string;
  auth?: string;
  protocol?: string;
}
const seen: Seen[] = [];
let server: Server;
let port = 0;
let guestHttp: ReturnType<typeof createHttpServer>;
let consoleAttempts = 0;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** CA, server certificate for 127.0.0.1, client certificate CN=alice O=devs. */
function makePki(): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=virtctl-test-ca', '-days', '1');
  for (const [name, subj, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'],
    ['client', '/CN=alice/O=devs', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

const b64 = (f: string): string => readFileSync(join(dir, f)).toString('base64');

function kubeconfig(file: string, user: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: 'https://127.0.0.1:${port}', certificate-authority-data: ${b64('ca.crt')}}
users:
- name: cert
  user: {client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')}}
- name: token
  user: {token: s3cr3t}
contexts:
- name: main
  context: {cluster: test, user: ${user}, namespace: team}
current-context: main
`,
  );
  return path;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}

function identity(req: IncomingMessage): { user?: string; auth?: string } {
  const cert = (req.socket as TLSSocket).getPeerCertificate?.();
  return { user: cert && 'subject' in cert && cert.subject ? String(cert.subject.CN) : undefined, auth: req.headers.authorization };
}

/** The fake virt-api's answer to a plain request: status, content type, body. */
function answer(method: string, url: string): [number, string, string | Buffer] {
  const json = 'application/json';
  if (url === '/apis/subresources.kubevirt.io') return [200, json, JSON.stringify({ kind: 'APIGroup', name: 'subresources.kubevirt.io', preferredVersion: { groupVersion: 'subresources.kubevirt.io/v1', version: 'v1' } })];
  if (url === '/apis/subresources.kubevirt.io/v1/version') return [200, json, JSON.stringify({ gitVersion: 'v1.6.0-test', platform: 'linux/amd64' })];
  if (url.includes('/virtualmachines/missing/')) return [404, json, status(404, 'NotFound', 'virtualmachines.kubevirt.io "missing" not found')];
  if (url.includes('/vnc/screenshot')) return [200, 'image/png', Buffer.from('\x89PNG\r\n\x1a\nfake', 'latin1')];
  if (method === 'PUT') return [202, json, ''];
  return [404, json, status(404, 'NotFound', 'the server could not find the requested resource')];
}

/** The fake virt-api: JSON subresources, a PNG, and websocket streams. */
function startServer(): Promise<void> {
  server = createHttpsServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')), ca: readFileSync(join(dir, 'ca.crt')), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, ...identity(req) });
      const [code, type, payload] = answer(req.method ?? '', req.url ?? '');
      res.writeHead(code, { 'Content-Type': type }).end(payload);
    });
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('plain.kubevirt.io') ? 'plain.kubevirt.io' : false) });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = req.url ?? '';
    seen.push({ method: 'WS', url, body: '', protocol: String(req.headers['sec-websocket-protocol']), ...identity(req) });
    if (url.includes('/forbidden/')) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${status(403, 'Forbidden', 'virtualmachineinstances.subresources.kubevirt.io "forbidden" is forbidden: User "alice" cannot get resource "virtualmachineinstances/console"')}`);
      return;
    }
    if (url.endsWith('/slow/console') && consoleAttempts++ < 2) {
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${status(400, 'BadRequest', 'Unable to connect to VM because phase is Scheduling instead of Running')}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (url.endsWith('/console')) {
        ws.send(Buffer.from('\r\n/ # '));
        ws.on('message', (data: Buffer) => ws.send(Buffer.from(`echo:${data.toString()}`)));
      } else if (url.endsWith('/vnc')) {
        ws.send(Buffer.from('RFB 003.008\n'));
      } else if (url.includes('/portforward/80/tcp')) {
        const tcp = tcpConnect((guestHttp.address() as AddressInfo).port, '127.0.0.1');
        const stream = createWebSocketStream(ws);
        stream.pipe(tcp).pipe(stream);
        tcp.on('error', () => stream.destroy());
        stream.on('error', () => tcp.destroy());
      } else if (url.endsWith('/portforward/53/udp')) {
        ws.on('message', (data: Buffer) => ws.send(Buffer.from(`answer:${data.toString()}`)));
      } else ws.close(1011, 'unexpected path');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), resolve())));
}

before(async () => {
  makePki();
  guestHttp = createHttpServer((_req, res) => res.end('hello from the guest\n'));
  await new Promise<void>((r) => guestHttp.listen(0, '127.0.0.1', () => r()));
  await startServer();
});

after(async () => {
  await new Promise((r) => server.close(r));
  server.closeAllConnections();
  await new Promise((r) => guestHttp.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** A context with the real connection and an in-memory terminal. */
function context(abort = new AbortController()) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = { stdout: '', stderr: '' };
  stdout.on('data', (b: Buffer) => (out.stdout += b.toString('latin1')));
  stderr.on('data', (b: Buffer) => (out.stderr += b.toString()));
  const ctx: CommandContext = {
    term: { stdin, stdout, stderr },
    env: {},
    connect,
    spawn: () => {
      throw new Error('no processes in this test');
    },
    which: () => undefined,
    selfCommand: ['virtctl'],
    programName: 'virtctl',
    interrupted: abort.signal,
    readFile: async (p) => readFileSync(p),
    writeFile: async (p, d) => writeFileSync(p, d),
  };
  return { ctx, stdin, out, abort };
}

async function until<T>(what: string, f: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('start over TLS with a client certificate: the PUT, its body, the identity', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out } = context();
  assert.equal(await runVirtctl(['--kubeconfig', kc, 'start', 'web', '--paused'], ctx), 0, out.stderr);
  const req = seen.at(-1)!;
  assert.equal(req.method, 'PUT');
  assert.equal(req.url, '/apis/subresources.kubevirt.io/v1/namespaces/team/virtualmachines/web/start');
  assert.deepEqual(JSON.parse(req.body), { paused: true });
  assert.equal(req.user, 'alice');
  assert.equal(out.stdout, 'VM web was scheduled to start\n');
});

test('a bearer token from the kubeconfig; a metav1.Status error becomes the message and exit 1', async () => {
  const kc = kubeconfig('token.yaml', 'token');
  const { ctx, out } = context();
  assert.equal(await runVirtctl(['--kubeconfig', kc, 'stop', 'missing', '-n', 'other'], ctx), 1);
  const req = seen.at(-1)!;
  assert.equal(req.url, '/apis/subresources.kubevirt.io/v1/namespaces/other/virtualmachines/missing/stop');
  assert.equal(req.auth, 'Bearer s3cr3t');
  assert.equal(req.user, undefined);
  assert.equal(out.stderr, 'error stopping VirtualMachine virtualmachines.kubevirt.io "missing" not found\n');
});

test('console: retried while not ready, then a shell round trip over plain.kubevirt.io', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, stdin, out } = context();
  const run = runVirtctl(['--kubeconfig', kc, 'console', 'slow'], ctx);
  await until('the prompt', () => (out.stdout.includes('/ # ') ? true : undefined));
  stdin.write('uname\n');
  await until('the echo', () => (out.stdout.includes('echo:uname') ? true : undefined));
  stdin.end();
  assert.equal(await run, 0, out.stderr);
  assert.equal(consoleAttempts, 3, 'two 400 answers, then the connection');
  const ws = seen.filter((s) => s.method === 'WS' && s.url.endsWith('/slow/console'));
  assert.equal(ws.at(-1)!.protocol, 'plain.kubevirt.io');
  assert.equal(ws.at(-1)!.user, 'alice');
  assert.match(out.stderr, /Successfully connected to slow console/);
});

test('a refused websocket shows the server Status message', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out } = context();
  assert.equal(await runVirtctl(['--kubeconfig', kc, 'console', 'forbidden'], ctx), 1);
  assert.match(out.stderr, /"forbidden" is forbidden: User "alice" cannot get resource/);
});

test('vnc --proxy-only prints {"port":N} and serves the RFB banner to a TCP client', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out, abort } = context();
  const run = runVirtctl(['--kubeconfig', kc, 'vnc', 'web', '--proxy-only'], ctx);
  const line = await until('the port line', () => (out.stdout.includes('\n') ? out.stdout : undefined));
  const { port: local } = JSON.parse(line) as { port: number };
  assert.match(line, /^\{"port":\d+\}\n$/);
  const banner = await new Promise<string>((resolve, reject) => {
    const c = tcpConnect(local, '127.0.0.1');
    c.once('data', (b: Buffer) => (c.destroy(), resolve(b.toString())));
    c.once('error', reject);
  });
  assert.equal(banner, 'RFB 003.008\n');
  abort.abort();
  assert.equal(await run, 0, out.stderr);
});

test('port-forward tunnels TCP connections to the guest port until interrupted', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out, abort } = context();
  const run = runVirtctl(['--kubeconfig', kc, 'port-forward', 'vm/web', '0:80'], ctx);
  const local = Number(await until('the listener', () => /forwarding tcp 127\.0\.0\.1:(\d+) to 80/.exec(out.stderr)?.[1]));
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`http://127.0.0.1:${local}/`);
    assert.equal(await res.text(), 'hello from the guest\n');
  }
  assert.ok(seen.some((s) => s.url === '/apis/subresources.kubevirt.io/v1/namespaces/team/virtualmachines/web/portforward/80/tcp'));
  abort.abort();
  assert.equal(await run, 0, out.stderr);
});

test('UDP port-forward: one tunnel per local client, one message per datagram, replies as datagrams', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out, abort } = context();
  const run = runVirtctl(['--kubeconfig', kc, 'port-forward', 'vmi/web', 'udp/0:53'], ctx);
  const local = Number(await until('the listener', () => /forwarding udp 127\.0\.0\.1:(\d+) to 53/.exec(out.stderr)?.[1]));
  const tunnels = (): number => seen.filter((s) => s.url === '/apis/subresources.kubevirt.io/v1/namespaces/team/virtualmachineinstances/web/portforward/53/udp').length;
  const before = tunnels();
  const clients = [createSocket('udp4'), createSocket('udp4')];
  const replies: string[][] = [[], []];
  clients.forEach((c, i) => c.on('message', (m: Buffer) => replies[i]!.push(m.toString())));
  try {
    for (const [i, c] of clients.entries()) {
      c.send(`q${i}a`, local, '127.0.0.1');
      await until(`reply ${i}a`, () => (replies[i]!.length === 1 ? true : undefined));
      c.send(`q${i}b`, local, '127.0.0.1');
      await until(`reply ${i}b`, () => (replies[i]!.length === 2 ? true : undefined));
    }
    assert.deepEqual(replies, [['answer:q0a', 'answer:q0b'], ['answer:q1a', 'answer:q1b']]);
    assert.equal(tunnels() - before, 2, 'one tunnel per client');
  } finally {
    for (const c of clients) c.close();
  }
  abort.abort();
  assert.equal(await run, 0, out.stderr);
});

test('vnc screenshot writes the PNG the server returned', async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const { ctx, out } = context();
  const file = join(dir, 'shot.png');
  assert.equal(await runVirtctl(['--kubeconfig', kc, 'vnc', 'screenshot', 'web', '--file', file], ctx), 0, out.stderr);
  assert.equal(readFileSync(file).subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');
  assert.equal(seen.at(-1)!.url, '/apis/subresources.kubevirt.io/v1/namespaces/team/virtualmachineinstances/web/vnc/screenshot?moveCursor=false');
});

test('the binary: KUBECONFIG from the environment, version, port-forward --stdio as ssh runs it', { timeout: 60_000 }, async () => {
  const kc = kubeconfig('cert.yaml', 'cert');
  const bin = (args: string[], input?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cmd/virtctl.ts'), ...args], { cwd: root, env: { ...process.env, KUBECONFIG: kc } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
      p.stdin.end(input);
    });
  const v = await bin(['version']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^Client Version: version\.Info\{GitVersion:"v[^"]+"/);
  assert.match(v.stdout, /\nServer Version: version\.Info\{GitVersion:"v1\.6\.0-test", .*Platform:"linux\/amd64"\}\n$/);

  const pf = await bin(['port-forward', '--stdio=true', 'vmi/web/team', '80'], 'GET / HTTP/1.0\r\n\r\n');
  assert.equal(pf.code, 0, pf.stderr);
  assert.match(pf.stdout, /^HTTP\/1\.[01] 200 OK[\s\S]*hello from the guest\n$/);
});
