import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { createCa, issueServerCert } from '../../pki/index.js';
import { secureContextFor } from '../tls-contexts.js';
import { postJson, type CallTarget } from './call.js';
import { Http1Pool } from './http1.js';

test('postJson: JSON answers over kept-alive connections; wrong CA, timeouts, bad status and bad JSON worded as upstream', async () => {
  const [ca, other] = await Promise.all([createCa('hook-ca'), createCa('other-ca')]);
  const cert = await issueServerCert(ca, { dnsNames: ['hook.ns.svc'] });
  const connections: unknown[] = [];
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) return; // never answers
      if (req.url?.startsWith('/status')) return void res.writeHead(500).end('boom');
      if (req.url?.startsWith('/text')) return void res.end('not json');
      const got = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ got, contentType: req.headers['content-type'], accept: req.headers.accept }));
    });
  });
  server.on('secureConnection', (s) => connections.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const target = (path: string): CallTarget => ({ host: '127.0.0.1', port, servername: 'hook.ns.svc', path, url: `https://hook.ns.svc:${port}${path}` });
  const pool = new Http1Pool({ host: '127.0.0.1', port, servername: 'hook.ns.svc', secureContext: secureContextFor({ ca: ca.certPem }) });
  const wrong = new Http1Pool({ host: '127.0.0.1', port, servername: 'hook.ns.svc', secureContext: secureContextFor({ ca: other.certPem }) });
  try {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await postJson(pool, target('/?timeout=10s'), { i }, 10_000), { got: { i }, contentType: 'application/json', accept: 'application/json' });
    }
    assert.equal(connections.length, 1, 'one kept-alive connection for calls one after another');
    const cases: [string, Http1Pool, string, number, RegExp][] = [
      ['wrong CA', wrong, '/', 10_000, /Post "https:\/\/hook\.ns\.svc:\d+\/": .*certificate/],
      ['timeout', pool, '/slow', 200, /Post "https:\/\/hook\.ns\.svc:\d+\/slow": context deadline exceeded$/],
      ['status', pool, '/status', 10_000, /: the server responded with the status code 500 but did not return more information$/],
      ['not JSON', pool, '/text', 10_000, /: invalid JSON in response: /],
    ];
    for (const [name, p, path, timeout, want] of cases) await assert.rejects(postJson(p, target(path), {}, timeout), want, name);
    assert.deepEqual(await postJson(pool, target('/'), { after: 'failures' }, 10_000), { got: { after: 'failures' }, contentType: 'application/json', accept: 'application/json' });
  } finally {
    pool.close();
    wrong.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
