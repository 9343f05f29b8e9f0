import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import tls, { type TLSSocket } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { createCa, issueClientCert, issueServerCert } from '../cluster/pki/certs.js';
import { renderKubeconfig } from '../cluster/pki/kubeconfig.js';
import { StatusError } from '../api/meta/index.js';
import { KubeClient, LineSplitter, requestTarget, retryAfterMs } from './kube-client.js';

test('KubeClient: every connection presents the client certificate, from one SecureContext made once', async () => {
  const ca = await createCa('test-ca');
  const serving = await issueServerCert(ca);
  const client = await issueClientCert(ca, 'alice', ['devs']);
  const sockets = new Set<TLSSocket>();
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const sock = req.socket as TLSSocket;
    sockets.add(sock);
    const cn = sock.getPeerCertificate().subject?.CN;
    // Hold each answer a little so concurrent requests need several connections.
    setTimeout(() => res.end(JSON.stringify({ user: cn })), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig({ server: `https://127.0.0.1:${port}`, caPem: ca.certPem, credentials: client }));
  const contexts = mock.method(tls, 'createSecureContext');
  const kube = await KubeClient.fromConfig(kc);
  try {
    const made = contexts.mock.callCount();
    const answers = await Promise.all(Array.from({ length: 4 }, () => kube.get<{ user: string }>('/x')));
    assert.deepEqual(answers.map((a) => a.user), ['alice', 'alice', 'alice', 'alice']);
    assert.ok(sockets.size >= 2, `expected several connections, got ${sockets.size}`);
    assert.equal(made, 1, 'one SecureContext for the client');
    assert.equal(contexts.mock.callCount(), made, 'no SecureContext per connection');
  } finally {
    contexts.mock.restore();
    kube.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('requestTarget: the path and query new URL(path, server) would request, built without a URL when plain', () => {
  const server = new URL('https://127.0.0.1:6443');
  const cases: { path: string; query?: Record<string, string | number | boolean | undefined> }[] = [
    { path: '/api/v1/namespaces/default/pods' },
    { path: '/api/v1/pods', query: { labelSelector: 'kubevirt.io=virt-launcher', limit: 500, continue: undefined } },
    { path: '/api/v1/pods', query: { fieldSelector: 'spec.nodeName=node01,status.phase!=Failed', watch: 'true', allowWatchBookmarks: true } },
    { path: '/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances/v-1.x' },
    { path: '/healthz?verbose' },
    { path: '/api/v1/namespaces/a b/pods' },
    { path: '/api/v1/../v1/pods' },
    { path: '/api//v1/./pods#frag' },
    { path: "/api/v1/namespaces/o'k/pods" },
    { path: '/api/v1/nodes/n1', query: { resourceVersion: '' } },
  ];
  for (const c of cases) {
    const u = new URL(c.query ? `${c.path}${c.path.includes('?') ? '&' : '?'}${new URLSearchParams(Object.entries(c.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string])).toString()}` : c.path, server);
    assert.equal(requestTarget(c.path, c.query, server), `${u.pathname}${u.search}`, c.path);
  }
});

test('LineSplitter: whole lines in order across chunk boundaries, blank lines skipped, a partial line kept', () => {
  const cases: { chunks: string[]; want: string[] }[] = [
    { chunks: ['{"a":1}\n{"b":2}\n'], want: ['{"a":1}', '{"b":2}'] },
    { chunks: ['{"a"', ':1}\n{"b', '":2}\n'], want: ['{"a":1}', '{"b":2}'] },
    { chunks: ['\n\n {"a":1} \r\n', '  \n'], want: [' {"a":1} \r'] },
    { chunks: ['{"a":1}', '\n{"b":2}'], want: ['{"a":1}'] },
    { chunks: ['', 'x', '', 'y\n'], want: ['xy'] },
  ];
  for (const c of cases) {
    const s = new LineSplitter();
    const got: string[] = [];
    for (const chunk of c.chunks) s.push(chunk, (l) => got.push(l));
    assert.deepEqual(got, c.want, JSON.stringify(c.chunks));
  }
  // A throwing callback drops the rest of that chunk; later chunks start afresh.
  const s = new LineSplitter();
  const got: string[] = [];
  assert.throws(() => s.push('a\nb\nc', (l) => {
    if (l === 'a') throw new Error('stop');
    got.push(l);
  }));
  s.push('d\n', (l) => got.push(l));
  assert.deepEqual(got, ['d']);
});

/** A kubeconfig for https://127.0.0.1:PORT trusting `caPem`, with bearer token `tok`. */
function tokenKubeconfig(port: number, caPem: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'u', token: 'tok' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

test('KubeClient: requests carry the kubeconfig headers, JSON bodies and queries as before', async () => {
  const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
  const ca = await createCa('test-ca');
  const serving = await issueServerCert(ca);
  const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url?.startsWith('/missing')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "x" not found' }));
        return;
      }
      // A body in several writes: the client joins the chunks.
      res.write('{"ok":');
      res.end('"é"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kc = tokenKubeconfig(port, ca.certPem);
  let kube: KubeClient | undefined;
  try {
    kube = await KubeClient.fromConfig(kc);
    assert.deepEqual(await kube.replace('/api/v1/namespaces/d/pods/p', { name: 'ü' }), { ok: 'é' });
    assert.deepEqual(await kube.patch('/api/v1/namespaces/d/pods/p', [{ op: 'remove', path: '/a' }]), { ok: 'é' });
    assert.deepEqual(await kube.get('/api/v1/pods', { query: { labelSelector: 'a=b', limit: 2, continue: undefined } }), { ok: 'é' });
    await assert.rejects(kube.get('/missing'), (e: unknown) => e instanceof StatusError && e.code === 404 && e.reason === 'NotFound');
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.headers.authorization, s.headers.accept, s.headers['content-type'], s.headers['content-length'], s.body]), [
      ['PUT', '/api/v1/namespaces/d/pods/p', 'Bearer tok', 'application/json', 'application/json', String(Buffer.byteLength('{"name":"ü"}')), '{"name":"ü"}'],
      ['PATCH', '/api/v1/namespaces/d/pods/p', 'Bearer tok', 'application/json', 'application/json-patch+json', '29', '[{"op":"remove","path":"/a"}]'],
      ['GET', '/api/v1/pods?labelSelector=a%3Db&limit=2', 'Bearer tok', 'application/json', undefined, undefined, ''],
      ['GET', '/missing', 'Bearer tok', 'application/json', undefined, undefined, ''],
    ]);
    assert.equal(new Set(seen.map((s) => s.headers.connection)).has('close'), false, 'keep-alive connections');
  } finally {
    kube?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('retryAfterMs: seconds from Retry-After, 1 s when absent or malformed, at most 60 s', () => {
  for (const [header, ms] of [
    ['2', 2000],
    ['0', 0],
    [undefined, 1000],
    ['soon', 1000],
    ['-3', 1000],
    ['3600', 60_000],
  ] as const) {
    assert.equal(retryAfterMs(header), ms, String(header));
  }
});

test('KubeClient: a 429 is retried after its Retry-After with the same body; other errors and exhausted retries reject', async () => {
  const ca = await createCa('test-ca');
  const serving = await issueServerCert(ca);
  const bodies: string[] = [];
  let refuse = 0;
  const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (req.url === '/conflict') {
        res.statusCode = 409;
        res.end(JSON.stringify({ kind: 'Status', code: 409, reason: 'Conflict', message: 'conflict' }));
      } else if (refuse > 0) {
        refuse--;
        res.writeHead(429, { 'Retry-After': '0', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.' }));
      } else res.end('{"done":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kc = tokenKubeconfig(port, ca.certPem);
  let kube: KubeClient | undefined;
  try {
    kube = await KubeClient.fromConfig(kc);
    refuse = 3;
    assert.deepEqual(await kube.create('/api/v1/namespaces/d/events', { n: 1 }), { done: true });
    assert.deepEqual(bodies, ['{"n":1}', '{"n":1}', '{"n":1}', '{"n":1}'], 'three refusals, then served, each with the body');
    bodies.length = 0;
    await assert.rejects(kube.create('/conflict', { n: 2 }), (e: unknown) => e instanceof StatusError && e.code === 409);
    assert.equal(bodies.length, 1, 'a 409 is not retried');
    bodies.length = 0;
    refuse = 100;
    await assert.rejects(kube.create('/api/v1/namespaces/d/events', { n: 3 }), (e: unknown) => e instanceof StatusError && e.code === 429);
    assert.equal(bodies.length, 11, 'one try and ten retries, as client-go');
  } finally {
    kube?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
