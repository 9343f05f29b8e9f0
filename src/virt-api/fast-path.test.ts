import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { parseHead } from './fast-path.js';
import { close, createVirtApiServer, listen } from './server.js';
import { selfSignedServingCert } from './serving-cert.js';
import { WEBHOOK_PATHS } from './handlers.js';
import { memoryDeps, reviewFor } from './testing.js';
import { validVMI } from '../api/validation/testing.js';

const cert = selfSignedServingCert(['localhost', '127.0.0.1']);
const webhook = (t: string) => (t.startsWith('/virtualmachineinstances-validate-create') ? t.split('?')[0] : undefined);

test('parseHead takes plain webhook POSTs with a Content-Length and leaves everything else to Node', () => {
  const ok = 'POST /virtualmachineinstances-validate-create?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12';
  assert.deepEqual(parseHead(ok, webhook), { path: '/virtualmachineinstances-validate-create', contentType: 'application/json', length: 12 });
  assert.deepEqual(parseHead(`${ok}\r\nConnection: Keep-Alive`, webhook)?.length, 12);
  const table: [string, string][] = [
    ['a GET', ok.replace('POST', 'GET')],
    ['HTTP/1.0', ok.replace('HTTP/1.1', 'HTTP/1.0')],
    ['another path', ok.replace('validate-create', 'validate-update')],
    ['no Content-Length', 'POST /virtualmachineinstances-validate-create HTTP/1.1\r\nHost: x'],
    ['two Content-Lengths', `${ok}\r\nContent-Length: 12`],
    ['a non-numeric Content-Length', ok.replace('12', '1e2')],
    ['chunked', `${ok}\r\nTransfer-Encoding: chunked`],
    ['Expect', `${ok}\r\nExpect: 100-continue`],
    ['Upgrade', `${ok}\r\nUpgrade: websocket`],
    ['Connection: close', `${ok}\r\nConnection: close`],
    ['a header line without a colon', `${ok}\r\nbroken`],
    ['whitespace before a colon', `${ok}\r\nX-A : b`],
    ['a folded header line', `${ok}\r\n  folded: x`],
    ['no Host', ok.replace('\r\nHost: x', '')],
  ];
  for (const [name, head] of table) assert.equal(parseHead(head, webhook), undefined, name);
});

/** One raw TLS connection: writes bytes as given, reads HTTP responses (Content-Length framed). */
async function connection(port: number, ca: string) {
  const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  socket.on('error', () => socket.destroy());
  let buf = '';
  const waiting: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buf += d;
    waiting.splice(0).forEach((w) => w());
  });
  socket.on('close', () => waiting.splice(0).forEach((w) => w()));
  /** The next complete response: status code, lower-cased headers, body. */
  const response = async (): Promise<{ code: number; headers: Record<string, string>; body: string }> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [status, ...lines] = buf.slice(0, end).split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        const len = Number(headers['content-length'] ?? 0);
        if (Buffer.byteLength(buf.slice(end + 4)) >= len) {
          const body = Buffer.from(buf.slice(end + 4)).subarray(0, len).toString();
          buf = Buffer.from(buf.slice(end + 4)).subarray(len).toString();
          return { code: Number(status!.split(' ')[1]), headers, body };
        }
      }
      if (Date.now() > deadline || socket.destroyed) throw new Error(`no complete response in ${JSON.stringify(buf)}`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  };
  return { socket, response, write: (s: string | Buffer) => new Promise<void>((resolve) => socket.write(s, () => resolve())) };
}

/** Runs `fn` against a fresh virt-api server on loopback; closes it afterwards. */
async function withServer(fn: (port: number, ca: string) => Promise<void>): Promise<void> {
  const { certPem, keyPem } = await cert;
  const server = createVirtApiServer({ certPem, keyPem, deps: memoryDeps() });
  const port = await listen(server, 0, '127.0.0.1');
  try {
    await fn(port, certPem);
  } finally {
    await close(server);
  }
}

const post = (body: string, path: string = WEBHOOK_PATHS.vmiCreate, extra = '') =>
  `POST ${path}?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const withoutUid = (body: string) => ({ ...(JSON.parse(body) as object), response: { ...(JSON.parse(body) as { response: object }).response, uid: '' } });

test('webhook POSTs get the same answer and headers on the fast path as from Node, in pieces, pipelined, then handed over', () =>
  withServer(async (port, certPem) => {
    const bad = JSON.stringify(reviewFor(validVMI((v) => (v.spec.domain.devices.disks![0]!.bootOrder = 0))));
    const good = JSON.stringify(reviewFor(validVMI()));
    // Fast path: the first request is a webhook POST, sent in small pieces.
    const fast = await connection(port, certPem);
    const bytes = Buffer.from(post(bad));
    for (let i = 0; i < bytes.length; i += 97) await fast.write(bytes.subarray(i, i + 97));
    const a = await fast.response();
    // Two requests in one write, then a GET: the GET hands the connection to Node.
    await fast.write(post(good) + post(bad) + 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const [b, c, health] = [await fast.response(), await fast.response(), await fast.response()];
    await fast.write(post(bad));
    const afterHandOver = await fast.response();
    // Node's server from the start: the first request is a GET.
    const viaNode = await connection(port, certPem);
    await viaNode.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n' + post(bad));
    const [, d] = [await viaNode.response(), await viaNode.response()];

    for (const r of [a, c, afterHandOver, d]) {
      assert.equal(r.code, 200);
      assert.deepEqual(withoutUid(r.body), withoutUid(d.body));
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['keep-alive'], 'timeout=65');
      assert.equal(r.headers['connection'], 'keep-alive');
      assert.ok(r.headers['date']);
    }
    assert.equal((JSON.parse(a.body) as { response: { allowed: boolean } }).response.allowed, false);
    assert.equal((JSON.parse(b.body) as { response: { allowed: boolean } }).response.allowed, true);
    assert.deepEqual([health.code, health.body], [200, 'ok']);
    fast.socket.destroy();
    viaNode.socket.destroy();
  }),
);

test("requests the fast path leaves alone (chunked, over the limit, unknown paths) get Node's answers, a wrong content type the same answer", () =>
  withServer(async (port, certPem) => {
    const good = JSON.stringify(reviewFor(validVMI()));
    const chunked = await connection(port, certPem);
    const size = Buffer.byteLength(good).toString(16);
    await chunked.write(`POST ${WEBHOOK_PATHS.vmiCreate} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n${good}\r\n0\r\n\r\n`);
    const r1 = await chunked.response();
    assert.equal((JSON.parse(r1.body) as { response: { allowed: boolean } }).response.allowed, true);
    chunked.socket.destroy();

    // Over 3 MiB: Node's path drops the connection (as virt-api always did), nothing is answered.
    const big = await connection(port, certPem);
    const dropped = new Promise<void>((resolve) => big.socket.once('close', () => resolve()));
    void big.write(`POST ${WEBHOOK_PATHS.vmiCreate} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
    void big.write(Buffer.alloc(4 * 1024 * 1024, 0x20));
    await dropped;
    await assert.rejects(big.response(), /no complete response/);

    const other = await connection(port, certPem);
    await other.write(post('{}', '/elsewhere'));
    assert.equal((await other.response()).code, 404);
    other.socket.destroy();

    const text = await connection(port, certPem);
    await text.write(post(good).replace('application/json', 'text/plain'));
    const r4 = await text.response();
    assert.equal((JSON.parse(r4.body) as { response: { status: { message: string } } }).response.status.message, 'contentType=text/plain, expect application/json');
    text.socket.destroy();
  }),
);

test('close() ends idle kept-alive connections of the fast path at once', async () => {
  const { certPem, keyPem } = await cert;
  const server = createVirtApiServer({ certPem, keyPem, deps: memoryDeps() });
  const port = await listen(server, 0, '127.0.0.1');
  const conn = await connection(port, certPem);
  await conn.write(post(JSON.stringify(reviewFor(validVMI()))));
  assert.equal((await conn.response()).code, 200);
  const closed = new Promise<void>((resolve) => conn.socket.once('close', () => resolve()));
  await close(server);
  await closed;
});
