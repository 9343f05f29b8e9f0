/**
 * Paginated lists: continued pages show the data as of the first page's resourceVersion, and a
 * continue token that outlived its snapshot (or the compacted history) gets 410 Expired with a
 * fresh token, as kube-apiserver answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ historySize: 50 });
  await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: 'pages' } });
});
after(async () => {
  await t?.close();
});

const base = '/api/v1/namespaces/pages/configmaps';
const sel = 'labelSelector=set%3Dp';
const meta = (name: string) => ({ name, labels: { set: 'p' } });
const names = (body: { items: { metadata: { name: string } }[] }): string[] => body.items.map((i) => i.metadata.name);

test('continued pages show the list as of the first page', async () => {
  for (const n of ['a', 'b', 'c', 'd', 'e']) await call(t.server, 'POST', base, { metadata: meta(n), data: { v: '1' } });
  const first = await call(t.server, 'GET', `${base}?${sel}&limit=2`);
  assert.deepEqual(names(first.body), ['a', 'b']);
  const rv = first.body.metadata.resourceVersion;
  assert.equal((await call(t.server, 'DELETE', `${base}/c`)).status, 200);
  const d = await call(t.server, 'GET', `${base}/d`);
  await call(t.server, 'PUT', `${base}/d`, { ...d.body, data: { v: '2' } });
  await call(t.server, 'POST', base, { metadata: meta('cc'), data: { v: '1' } });

  const second = await call(t.server, 'GET', `${base}?${sel}&limit=2&continue=${first.body.metadata.continue}`);
  assert.equal(second.status, 200);
  assert.deepEqual(names(second.body), ['c', 'd'], 'deleted c still listed, new cc not');
  assert.equal(second.body.items[1].data.v, '1', 'd as it was');
  assert.equal(second.body.metadata.resourceVersion, rv);
  const third = await call(t.server, 'GET', `${base}?${sel}&limit=2&continue=${second.body.metadata.continue}`);
  assert.deepEqual(names(third.body), ['e']);
  assert.equal(third.body.metadata.continue, undefined);

  const fresh = await call(t.server, 'GET', `${base}?${sel}&limit=10`);
  assert.deepEqual(names(fresh.body), ['a', 'b', 'cc', 'd', 'e']);
});

test('a continue token without its snapshot, or older than the history, is 410 Expired with a fresh token', async () => {
  const stale = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: 'pages/b' })).toString('base64url');
  for (let i = 0; i < 60; i++) await call(t.server, 'POST', base, { metadata: meta(`z${i}`) });
  const expired = await call(t.server, 'GET', `${base}?${sel}&limit=2&continue=${stale}`);
  assert.equal(expired.status, 410);
  assert.equal(expired.body.reason, 'Expired');
  assert.match(expired.body.message, /^The provided continue parameter is too old to display a consistent list result\./);
  const token = expired.body.metadata.continue as string;
  assert.ok(token);
  const rest = await call(t.server, 'GET', `${base}?${sel}&limit=2&continue=${token}`);
  assert.equal(rest.status, 200);
  assert.deepEqual(names(rest.body), ['cc', 'd'], 'the fresh token continues after the same key, at the current state');
  assert.ok(rest.body.metadata.continue);
});
