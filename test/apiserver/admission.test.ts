/**
 * Admission webhooks through the server: a mutating webhook's JSONPatch is applied and a
 * validating webhook's denial is returned as its Status, over HTTPS with a checked caBundle.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueServerCert } from '../../src/cluster/pki/index.js';
import { call, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let hook: Server;
let port = 0;

interface Review {
  request: { uid: string; name?: string; object?: { metadata?: { name?: string } } };
}

before(async () => {
  t = await startTestServer();
  const ca = await createCa('webhook-ca');
  const cert = await issueServerCert(ca);
  hook = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const review = JSON.parse(body) as Review;
      const uid = review.request.uid;
      const name = review.request.object?.metadata?.name ?? '';
      let response: Record<string, unknown>;
      if (req.url?.startsWith('/mutate')) {
        const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }])).toString('base64');
        response = { uid, allowed: true, patchType: 'JSONPatch', patch };
      } else {
        response = name === 'deny-me' ? { uid, allowed: false, status: { code: 403, message: 'names like deny-me are not allowed' } } : { uid, allowed: true };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  port = (hook.address() as AddressInfo).port;
  const caBundle = Buffer.from(ca.certPem).toString('base64');
  const webhook = (path: string, name: string) => ({
    name,
    clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'hooked' } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
  });
  await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: 'hooked' } });
  const m = await call(t.server, 'POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', { metadata: { name: 'm' }, webhooks: [webhook('/mutate', 'm.example.com')] });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  const v = await call(t.server, 'POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', { metadata: { name: 'v' }, webhooks: [webhook('/validate', 'v.example.com')] });
  assert.equal(v.status, 201, JSON.stringify(v.body));
});

after(async () => {
  hook?.closeAllConnections();
  await new Promise((r) => hook?.close(r));
  await t.close();
});

test('a mutating webhook patches the object before it is stored', async () => {
  const res = await call(t.server, 'POST', '/api/v1/namespaces/hooked/configmaps', { metadata: { name: 'ok' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.metadata.labels.mutated, 'yes');
  const stored = await call(t.server, 'GET', '/api/v1/namespaces/hooked/configmaps/ok');
  assert.equal(stored.body.metadata.labels.mutated, 'yes');
});

test('a validating webhook denial is returned as its Status and stores nothing', async () => {
  const res = await call(t.server, 'POST', '/api/v1/namespaces/hooked/configmaps', { metadata: { name: 'deny-me' } });
  assert.equal(res.status, 403);
  assert.match(res.body.message, /names like deny-me are not allowed/);
  assert.equal((await call(t.server, 'GET', '/api/v1/namespaces/hooked/configmaps/deny-me')).status, 404);
});

test('namespaces outside the selector are not sent to the webhooks', async () => {
  const res = await call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'deny-me' } });
  assert.equal(res.status, 201);
  assert.equal(res.body.metadata.labels, undefined);
});
