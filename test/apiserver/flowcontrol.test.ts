/**
 * Priority and fairness on a started server with one seat: while a best-effort Event write holds
 * the seat, a flood of Event writes queues (the overflow gets 429 + Retry-After) and a platform
 * controller's writes, sent after the flood, are served before every queued Event.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { Agent, request } from 'undici';
import { issueClientCert } from '../../src/cluster/pki/index.js';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

let t: TestServer;
let controller: Agent | undefined;
/** Held requests, aborted after the tests so a failed test cannot keep the server open. */
const held: { abort: () => void }[] = [];
const QUEUE_LIMIT = 6;
const FLOOD = 9;

before(async () => {
  t = await startTestServer({ flowControl: { seats: 1, queueLengthLimit: QUEUE_LIMIT, maxWaitMs: 60_000 } });
  const sa = 'system:serviceaccount:kubevirt:kubevirt-controller';
  const crb = { metadata: { name: 'fc-controller' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: sa }] };
  assert.equal((await call(t.server, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', crb)).status, 201);
  const c = await issueClientCert(t.server.pki.ca, sa, ['system:serviceaccounts', 'system:serviceaccounts:kubevirt']);
  controller = new Agent({ connect: { ca: t.server.pki.ca.certPem, cert: c.certPem, key: c.keyPem } });
});
after(async () => {
  for (const b of held) b.abort();
  await controller?.close();
  await t?.close();
});

const event = (name: string) => ({
  metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', apiVersion: 'v1' },
  reason: 'Test',
  message: 'flood',
  type: 'Normal',
});
const EVENTS = '/api/v1/namespaces/default/events';

/** A gauge or counter of /metrics (read as admin: exempt, so it never queues). */
async function metric(name: string, labels: string): Promise<number> {
  const text = String((await call(t.server, 'GET', '/metrics')).body);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** An Event POST whose body is held back until `finish()`: it takes the seat and keeps it. */
function heldEventPost(name: string): { finish: () => void; status: Promise<number> } {
  const body = JSON.stringify(event(name));
  const url = new URL(`${t.server.url}${EVENTS}`);
  const req = httpsRequest({
    host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
    ca: t.server.pki.ca.certPem, cert: t.server.pki.admin.certPem, key: t.server.pki.admin.keyPem,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  held.push({ abort: () => req.destroy() });
  return { finish: () => req.end(body.slice(10)), status };
}

test('controller writes overtake queued Event writes; a full Event queue answers 429 with Retry-After', async () => {
  const low = 'priority_level="workload-low"';
  const blocker = heldEventPost('blocker1');
  await waitFor('the held Event POST to take the seat', async () => (await metric('apiserver_flowcontrol_current_executing_requests', low)) === 1, 10_000);

  const order: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies
  const rejected: { status: number; body: any }[] = [];
  const flood = Array.from({ length: FLOOD }, (_, i) =>
    call(t.server, 'POST', EVENTS, event(`e${i}`)).then((r) => {
      if (r.status === 429) rejected.push(r);
      else order.push(`event ${r.status}`);
    }),
  );
  await waitFor('the Event queue to fill', async () => (await metric('apiserver_flowcontrol_current_inqueue_requests', low)) === QUEUE_LIMIT, 10_000);
  await waitFor('the Events past the queue limit to be refused', () => rejected.length === FLOOD - QUEUE_LIMIT, 10_000);
  for (const r of rejected) {
    assert.equal(r.body.reason, 'TooManyRequests');
    assert.equal(r.body.message, 'Too many requests, please try again later.');
    assert.equal(r.body.details?.retryAfterSeconds, 1);
  }
  assert.equal(await metric('apiserver_flowcontrol_rejected_requests_total', 'reason="queue-full"'), FLOOD - QUEUE_LIMIT);

  const high = [0, 1, 2].map((i) =>
    call(t.server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `cm${i}` } }, { agent: controller! }).then((r) => {
      order.push(`configmap ${r.status}`);
      return r;
    }),
  );
  await waitFor('the controller writes to queue', async () => (await metric('apiserver_flowcontrol_current_inqueue_requests', 'priority_level="workload-high"')) === 3, 10_000);
  assert.deepEqual(order, [], 'nothing is served while the seat is held');

  blocker.finish();
  assert.equal(await blocker.status, 201);
  await Promise.all([...high, ...flood]);
  assert.deepEqual(order, [...Array<string>(3).fill('configmap 201'), ...Array<string>(QUEUE_LIMIT).fill('event 201')]);
});

test('Retry-After is sent with a 429', async () => {
  const blocker = heldEventPost('blocker2');
  await waitFor('the held Event POST to take the seat', async () => (await metric('apiserver_flowcontrol_current_executing_requests', 'priority_level="workload-low"')) === 1, 10_000);
  const flood = Array.from({ length: QUEUE_LIMIT + 1 }, (_, i) => fetchStatus(event(`r${i}`)));
  const first = await Promise.race(flood);
  assert.deepEqual(first, { status: 429, retryAfter: '1' });
  blocker.finish();
  assert.equal(await blocker.status, 201);
  const all = await Promise.all(flood);
  assert.equal(all.filter((r) => r.status === 201).length, QUEUE_LIMIT);
});

/** POSTs an Event as admin over its own connection; status and Retry-After header. */
async function fetchStatus(body: unknown): Promise<{ status: number; retryAfter: string | undefined }> {
  const agent = new Agent({ connect: { ca: t.server.pki.ca.certPem, cert: t.server.pki.admin.certPem, key: t.server.pki.admin.keyPem } });
  try {
    const res = await request(`${t.server.url}${EVENTS}`, { method: 'POST', dispatcher: agent, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    await res.body.text();
    const ra = res.headers['retry-after'];
    return { status: res.statusCode, retryAfter: Array.isArray(ra) ? ra[0] : ra };
  } finally {
    await agent.close();
  }
}
