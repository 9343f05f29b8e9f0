import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createCa, issueServerCert } from '../../pki/index.js';
import { secureContextFor } from '../tls-contexts.js';
import { KEEP_ALIVE_MS } from '../../../virt-api/server.js';
import { Http1Pool, MAX_IDLE_MS, ResponseParser } from './http1.js';

const feed = (pieces: string[], max = 1024): { res?: { status: number; body: string }; keepAlive: boolean; error?: string } => {
  const p = new ResponseParser(max);
  try {
    for (const piece of pieces) {
      const r = p.push(Buffer.from(piece, 'latin1'));
      if (r) return { res: { status: r.status, body: r.body.toString('latin1') }, keepAlive: p.keepAlive };
    }
    const r = p.end();
    return { res: { status: r.status, body: r.body.toString('latin1') }, keepAlive: false };
  } catch (err) {
    return { keepAlive: false, error: (err as Error).message };
  }
};

test('ResponseParser: Content-Length, chunked, close-delimited, informational and malformed responses', () => {
  const cases: [string, string[], ReturnType<typeof feed>][] = [
    ['content-length in one piece', ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'], { res: { status: 200, body: '{}' }, keepAlive: true }],
    ['split everywhere', ['HTTP/1.1 2', '01 Created\r\nconTent-length:', ' 5\r\n\r', '\nab', 'cde'], { res: { status: 201, body: 'abcde' }, keepAlive: true }],
    ['connection close', ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx'], { res: { status: 200, body: 'x' }, keepAlive: false }],
    ['HTTP/1.0 keep-alive', ['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx'], { res: { status: 200, body: 'x' }, keepAlive: true }],
    ['chunked with extension and trailer', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n', '2\r\nde\r\n0\r\nX-T: 1\r\n\r\n'], { res: { status: 200, body: 'abcde' }, keepAlive: true }],
    ['chunked byte by byte', [...'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n'], { res: { status: 200, body: '0123456789' }, keepAlive: true }],
    ['until close', ['HTTP/1.1 200 OK\r\n\r\nab', 'c'], { res: { status: 200, body: 'abc' }, keepAlive: false }],
    ['100 continue first', ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'], { res: { status: 200, body: 'x' }, keepAlive: true }],
    ['204 has no body', ['HTTP/1.1 204 No Content\r\n\r\n'], { res: { status: 204, body: '' }, keepAlive: true }],
    ['closed before the body ended', ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'], { keepAlive: false, error: 'socket hang up' }],
    ['closed before any answer', [], { keepAlive: false, error: 'socket hang up' }],
    ['not HTTP', ['SSH-2.0-x\r\n\r\n'], { keepAlive: false, error: 'Parse Error: Expected HTTP/' }],
    ['bad content-length', ['HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'], { keepAlive: false, error: 'Parse Error: Invalid Content-Length' }],
    ['body too large', ['HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n'], { keepAlive: false, error: 'response body too large' }],
    ['chunked too large', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', `800\r\n${'x'.repeat(2048)}\r\n`], { keepAlive: false, error: 'response body too large' }],
  ];
  for (const [name, pieces, want] of cases) assert.deepEqual(feed(pieces), want, name);
});

test('Http1Pool: at most max connections, queued calls get freed ones, closed idle connections are not reused', async () => {
  const ca = await createCa('pool-ca');
  const cert = await issueServerCert(ca, { dnsNames: ['pool.test'] });
  const sockets: TLSSocket[] = [];
  let inFlight = 0;
  let most = 0;
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    req.resume();
    req.on('end', () => setImmediate(() => {
      inFlight--;
      res.end(req.url);
    }));
  });
  server.on('secureConnection', (s: TLSSocket) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const pool = new Http1Pool({ host: '127.0.0.1', port, servername: 'pool.test', secureContext: secureContextFor({ ca: ca.certPem }) }, 3);
  const post = (path: string) => pool.post(path, '', Buffer.from('{}'), { maxBody: 1024, timeoutMs: 10_000 }).then((r) => r.body.toString());
  try {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`/${i}`)));
    assert.deepEqual(answers, Array.from({ length: 12 }, (_, i) => `/${i}`));
    assert.equal(sockets.length, 3, 'three connections for twelve concurrent calls');
    assert.ok(most <= 3);
    // The server closes every connection: the next calls dial again instead of using dead ones.
    server.closeAllConnections();
    const deadline = Date.now() + 5000;
    while (pool.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(pool.size, 0, 'closed idle connections are dropped');
    assert.equal(await post('/again'), '/again');
    // Calls waiting for a connection count against their deadline too.
    const slow = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => pool.post(`/${i}`, '', Buffer.alloc(0), { maxBody: 1024, timeoutMs: i < 3 ? 10_000 : 0 })));
    assert.deepEqual(slow.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
    assert.match(String((slow[5] as PromiseRejectedResult).reason), /context deadline exceeded/);
    assert.equal(await post('/after'), '/after');
    // Connections idle longer than maxIdleMs are closed rather than reused.
    const strict = new Http1Pool({ host: '127.0.0.1', port, servername: 'pool.test', secureContext: secureContextFor({ ca: ca.certPem }) }, 3, -1);
    const before = sockets.length;
    for (let i = 0; i < 3; i++) assert.equal((await strict.post('/s', '', Buffer.alloc(0), { maxBody: 1024, timeoutMs: 10_000 })).body.toString(), '/s');
    assert.equal(sockets.length - before, 3, 'a new connection per call');
    assert.equal(strict.size, 1, 'the stale ones are closed');
    strict.close();
  } finally {
    pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('Http1Pool: a refused or failed connection fails the waiting calls too, not only the first', async () => {
  const ca = await createCa('refuse-ca');
  const cert = await issueServerCert(ca, { dnsNames: ['refuse.test'] });
  // A TLS server that drops every connection during the handshake.
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem });
  server.on('connection', (s: { destroy(): void }) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const pool = new Http1Pool({ host: '127.0.0.1', port, servername: 'refuse.test', secureContext: secureContextFor({ ca: ca.certPem }) }, 2);
  try {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => pool.post('/', '', Buffer.from('{}'), { maxBody: 1024, timeoutMs: 10_000 })));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.doesNotMatch(String((r).reason), /deadline/);
    }
    assert.equal(pool.size, 0);
  } finally {
    pool.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('Http1Pool: idle connections are reused for most of, but well within, the time virt-api keeps them', () => {
  assert.ok(MAX_IDLE_MS >= 45_000, 'a burst after a quiet half minute finds its connections open');
  assert.ok(MAX_IDLE_MS <= KEEP_ALIVE_MS - 5_000, 'never races virt-api closing an idle connection');
});
