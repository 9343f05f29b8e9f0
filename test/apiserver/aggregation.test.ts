/**
 * API aggregation: an APIService backed by a Service/Endpoints on loopback becomes Available,
 * appears in /apis, and requests reach the backend with the caller's identity in X-Remote-User.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueServerCert } from '../../src/cluster/pki/index.js';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

let t: TestServer;
let backend: Server;

before(async () => {
  t = await startTestServer();
  const ca = await createCa('backend-ca');
  const cert = await issueServerCert(ca);
  backend = createServer({ key: cert.keyPem, cert: cert.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const body =
      req.url?.split('?')[0] === '/apis/sub.example.com/v1'
        ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'sub.example.com/v1', resources: [] }
        : { user: req.headers['x-remote-user'], groups: req.headers['x-remote-group'], path: req.url };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as AddressInfo).port;
  await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: 'agg' } });
  assert.equal((await call(t.server, 'POST', '/api/v1/namespaces/agg/services', { metadata: { name: 'api' }, spec: { ports: [{ port: 443, targetPort: port }] } })).status, 201);
  const ep = await call(t.server, 'POST', '/api/v1/namespaces/agg/endpoints', { metadata: { name: 'api' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port }] }] });
  assert.equal(ep.status, 201, JSON.stringify(ep.body));
  const svc = await call(t.server, 'POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
    metadata: { name: 'v1.sub.example.com' },
    spec: { group: 'sub.example.com', version: 'v1', service: { namespace: 'agg', name: 'api', port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 1000, versionPriority: 15 },
  });
  assert.equal(svc.status, 201, JSON.stringify(svc.body));
});

after(async () => {
  backend?.closeAllConnections();
  await new Promise((r) => backend?.close(r));
  await t.close();
});

test('an available APIService is listed in /apis and proxied with the caller identity', async () => {
  await waitFor('Available', async () => {
    const s = await call(t.server, 'GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1.sub.example.com');
    return ((s.body.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Available' && c.status === 'True');
  }, 10_000);
  const apis = await call(t.server, 'GET', '/apis');
  assert.ok(apis.body.groups.some((g: { name: string }) => g.name === 'sub.example.com'));
  const r = await call(t.server, 'GET', '/apis/sub.example.com/v1/namespaces/default/things/x');
  assert.equal(r.status, 200);
  assert.equal(r.body.user, 'kubernetes-admin');
  assert.match(String(r.body.groups), /system:masters/);
  // An impersonating caller's request is authorised and reaches the backend as the impersonated identity.
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  await call(t.server, 'POST', `${rbac}/clusterroles`, { metadata: { name: 'things-reader' }, rules: [{ apiGroups: ['sub.example.com'], resources: ['things'], verbs: ['get'] }] });
  await call(t.server, 'POST', `${rbac}/clusterrolebindings`, {
    metadata: { name: 'things-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'things-reader' },
    subjects: [{ kind: 'ServiceAccount', namespace: 'agg', name: 'bot' }],
  });
  const as = await call(t.server, 'GET', '/apis/sub.example.com/v1/namespaces/default/things/x', undefined, {
    headers: { 'Impersonate-User': 'system:serviceaccount:agg:bot' },
  });
  assert.equal(as.status, 200, JSON.stringify(as.body));
  assert.equal(as.body.user, 'system:serviceaccount:agg:bot');
  assert.equal(as.body.groups, 'system:serviceaccounts, system:serviceaccounts:agg, system:authenticated');
});
