import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { close, createVirtApiServer, listen, requestPath } from './server.js';
import { selfSignedServingCert } from './serving-cert.js';
import { WEBHOOK_PATHS } from './handlers.js';
import { memoryDeps, reviewFor } from './testing.js';
import { validVMI } from '../api/validation/testing.js';
import type { AdmissionReview } from './admission.js';

function request(port: number, ca: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method, path, ca, servername: 'localhost', headers: body ? { 'Content-Type': contentType } : {}, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.end(body);
  });
}

test('virt-api answers AdmissionReviews over HTTPS with its own certificate', async () => {
  const cert = await selfSignedServingCert(['localhost', '127.0.0.1']);
  let ready = false;
  const server = createVirtApiServer({ ...cert, deps: memoryDeps(), ready: () => ready });
  const port = await listen(server, 0, '127.0.0.1');
  try {
    assert.deepEqual(await request(port, cert.certPem, 'GET', '/healthz'), { code: 200, text: 'ok' });
    assert.equal((await request(port, cert.certPem, 'GET', '/readyz')).code, 503);
    ready = true;
    assert.equal((await request(port, cert.certPem, 'GET', '/readyz')).code, 200);

    const bad = validVMI((v) => (v.spec.domain.devices.disks![0]!.bootOrder = 0));
    const review = reviewFor(bad);
    const res = await request(port, cert.certPem, 'POST', WEBHOOK_PATHS.vmiCreate, JSON.stringify(review));
    assert.equal(res.code, 200);
    const out = JSON.parse(res.text) as AdmissionReview;
    assert.equal(out.kind, 'AdmissionReview');
    assert.equal(out.response?.uid, (review.request as { uid: string }).uid);
    assert.equal(out.response?.allowed, false);
    assert.equal(out.response?.status?.code, 422);
    assert.deepEqual(out.response?.status?.details?.causes, [
      { reason: 'FieldValueInvalid', field: 'spec.domain.devices.disks[0].bootOrder', message: 'spec.domain.devices.disks[0] must have a boot order > 0, if supplied' },
    ]);

    const ok = JSON.parse((await request(port, cert.certPem, 'POST', WEBHOOK_PATHS.vmiCreate, JSON.stringify(reviewFor(validVMI())))).text) as AdmissionReview;
    assert.equal(ok.response?.allowed, true);

    const garbage = JSON.parse((await request(port, cert.certPem, 'POST', WEBHOOK_PATHS.vmiCreate, '{not json')).text) as AdmissionReview;
    assert.equal(garbage.response?.allowed, false);
    assert.equal(garbage.response?.status?.code, 400);

    const wrongType = JSON.parse((await request(port, cert.certPem, 'POST', WEBHOOK_PATHS.vmiCreate, JSON.stringify(review), 'text/plain')).text) as AdmissionReview;
    assert.equal(wrongType.response?.status?.message, 'contentType=text/plain, expect application/json');

    assert.equal((await request(port, cert.certPem, 'GET', WEBHOOK_PATHS.vmiCreate)).code, 405);
    assert.equal((await request(port, cert.certPem, 'POST', '/elsewhere', '{}')).code, 404);
  } finally {
    await close(server);
  }
});

test("virt-api keeps the API server's webhook connections open between bursts: one TLS connection for sequential reviews, a 65 s idle hint", async () => {
  const cert = await selfSignedServingCert(['localhost', '127.0.0.1']);
  const server = createVirtApiServer({ ...cert, deps: memoryDeps() });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  const port = await listen(server, 0, '127.0.0.1');
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const post = () =>
    new Promise<string | undefined>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: WEBHOOK_PATHS.vmiCreate, ca: cert.certPem, servername: 'localhost', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers['keep-alive'])));
      });
      req.on('error', reject);
      req.end(JSON.stringify(reviewFor(validVMI())));
    });
  try {
    const hints = [await post(), await post(), await post()];
    assert.deepEqual(hints, Array(3).fill('timeout=65'));
    assert.equal(connections, 1);
  } finally {
    agent.destroy();
    await close(server);
  }
});

test('requestPath: the pathname new URL gives, for plain and unusual request targets', () => {
  const targets = [
    undefined, '/', '/virtualmachineinstances-mutate?timeout=10s', '/healthz', '/apis/subresources.kubevirt.io/v1?x=1#f', '/a#frag?x',
    '/a/../b', '/a/./b', '/%2e%2e/x', '/a%20b', '//evil.example/x', '/a\\b', '/a b', '/é', '/a"b<c>`{}', '*', 'x/y', '', '/.well-known/x', '/a?b/../c',
  ];
  for (const t of targets) assert.equal(requestPath(t), new URL(t ?? '/', 'https://virt-api').pathname, `target ${String(t)}`);
});
