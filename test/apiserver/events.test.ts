/**
 * core/v1 and events.k8s.io/v1 Events are one store, as in kube-apiserver: an Event written through
 * either API is read, field-selected and watched through both, with the fields mapped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { adminAgent, call, startTestServerWithNamespace, waitFor, type TestServer } from './harness.js';
import { request } from 'undici';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const NS = 'ev-test';
const core = `/api/v1/namespaces/${NS}/events`;
const v1 = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;
let t: TestServer;

before(async () => {
  t = await startTestServerWithNamespace(NS);
});
after(async () => {
  await t?.close();
});

const pod = (name: string) => ({ kind: 'Pod', namespace: NS, name, uid: `uid-${name}`, apiVersion: 'v1' });

test('an Event created through either API is visible through both, fields mapped', async () => {
  const a = await call(t.server, 'POST', core, {
    metadata: { name: 'core-ev' },
    involvedObject: pod('a'),
    reason: 'Started',
    message: 'Started container compute',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:05Z',
    count: 2,
    type: 'Normal',
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const b = await call(t.server, 'POST', v1, {
    metadata: { name: 'new-ev' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    regarding: pod('b'),
    reason: 'Migrated',
    action: 'Migrate',
    note: 'Migration succeeded',
    type: 'Normal',
    reportingController: 'kubevirt.io/virt-handler',
    reportingInstance: 'virt-handler-node-1',
  });
  assert.equal(b.status, 201, JSON.stringify(b.body));

  const aV1 = (await call(t.server, 'GET', `${v1}/core-ev`)).body;
  assert.equal(aV1.apiVersion, 'events.k8s.io/v1');
  assert.equal(aV1.note, 'Started container compute');
  assert.deepEqual(aV1.regarding, pod('a'));
  assert.deepEqual(aV1.deprecatedSource, { component: 'kubelet', host: 'node-1' });
  assert.equal(aV1.deprecatedCount, 2);
  assert.equal(aV1.deprecatedFirstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(aV1.metadata.resourceVersion, a.body.metadata.resourceVersion);

  const bCore = (await call(t.server, 'GET', `${core}/new-ev`)).body;
  assert.equal(bCore.apiVersion, 'v1');
  assert.equal(bCore.message, 'Migration succeeded');
  assert.deepEqual(bCore.involvedObject, pod('b'));
  assert.equal(bCore.reportingComponent, 'kubevirt.io/virt-handler');
  assert.equal(bCore.reportingInstance, 'virt-handler-node-1');

  const names = (l: { items: { metadata: { name: string } }[] }) => l.items.map((i) => i.metadata.name).sort();
  assert.deepEqual(names((await call(t.server, 'GET', core)).body), ['core-ev', 'new-ev']);
  assert.deepEqual(names((await call(t.server, 'GET', v1)).body), ['core-ev', 'new-ev']);
  // Field selectors in each API's own names.
  assert.deepEqual(names((await call(t.server, 'GET', `${core}?fieldSelector=involvedObject.name%3Db`)).body), ['new-ev']);
  assert.deepEqual(names((await call(t.server, 'GET', `${v1}?fieldSelector=regarding.name%3Da`)).body), ['core-ev']);
  assert.deepEqual(names((await call(t.server, 'GET', `${v1}?fieldSelector=reportingController%3Dkubevirt.io/virt-handler`)).body), ['new-ev']);
  assert.deepEqual(names((await call(t.server, 'GET', `${core}?fieldSelector=reportingComponent%3Dkubevirt.io/virt-handler`)).body), ['new-ev']);
  assert.deepEqual(names((await call(t.server, 'GET', `${v1}?fieldSelector=source%3Dkubelet`)).body), ['core-ev']);
  assert.equal((await call(t.server, 'GET', `${v1}?fieldSelector=involvedObject.name%3Da`)).status, 400);

  // events.k8s.io updates may change only series (and metadata); core/v1 keeps the legacy freedom.
  const denied = await call(t.server, 'PATCH', `${v1}/core-ev`, { note: 'changed' }, { contentType: 'application/merge-patch+json' });
  assert.equal(denied.status, 422);
  assert.match(denied.body.message, /message: Invalid value: "changed": field is immutable/);
  const series = { count: 4, lastObservedTime: '2026-01-01T00:01:00.000000Z' };
  const upd = await call(t.server, 'PATCH', `${v1}/new-ev`, { series }, { contentType: 'application/merge-patch+json' });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.deepEqual((await call(t.server, 'GET', `${core}/new-ev`)).body.series, series);
  const coreUpd = await call(t.server, 'PATCH', `${core}/core-ev`, { message: 'changed', count: 3 }, { contentType: 'application/merge-patch+json' });
  assert.equal(coreUpd.status, 200, JSON.stringify(coreUpd.body));
  const seen = (await call(t.server, 'GET', `${v1}/core-ev`)).body;
  assert.equal(seen.note, 'changed');
  assert.equal(seen.deprecatedCount, 3);
  assert.equal((await call(t.server, 'DELETE', `${v1}/core-ev`)).status, 200);
  assert.equal((await call(t.server, 'GET', `${core}/core-ev`)).status, 404);
});

test('a watch on events.k8s.io sees Events created through core/v1', async () => {
  const agent = adminAgent(t.server);
  const res = await request(`${t.server.url}${v1}?watch=true&fieldSelector=regarding.name%3Dw`, { dispatcher: agent });
  let buf = '';
  const seen = new Promise<Record<string, unknown>>((resolve) => {
    res.body.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n').slice(0, -1)) {
        const ev = JSON.parse(line) as { type: string; object: Record<string, unknown> };
        if (ev.type === 'ADDED') resolve(ev.object);
      }
    });
  });
  assert.equal((await call(t.server, 'POST', core, { metadata: { name: 'watched' }, involvedObject: pod('w'), reason: 'X', message: 'hello' })).status, 201);
  const obj = await waitFor('watch event', () => Promise.race([seen, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]), 10_000);
  assert.equal(obj.apiVersion, 'events.k8s.io/v1');
  assert.equal(obj.note, 'hello');
  res.body.destroy();
  await agent.close();
});

test('kubectl lists both', { skip: KUBECTL ? false : 'kubectl not found' }, async () => {
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(KUBECTL!, args, { env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath }, timeout: 30_000 }, (err, out, stderr) => (err ? reject(new Error(stderr)) : resolve(out))),
    );
  assert.match(await run(['get', 'events', '-n', NS]), /Normal\s+Migrated\s+pod\/b\s+Migration succeeded/);
  assert.match(await run(['get', 'events.events.k8s.io', '-n', NS]), /Normal\s+Migrated\s+pod\/b\s+Migration succeeded/);
});

test('404, 409 and conflicts name the API asked: events.events.k8s.io or core events', async () => {
  const body = { metadata: { name: 'dup' }, involvedObject: pod('d'), reason: 'X', message: 'x' };
  assert.equal((await call(t.server, 'POST', core, body)).status, 201);
  const v1Body = { metadata: { name: 'dup' }, eventTime: '2026-01-01T00:00:00.000000Z', regarding: pod('d'), reason: 'X', action: 'A', type: 'Normal', reportingController: 'c', reportingInstance: 'i' };
  const cases: { name: string; method: string; path: string; body?: unknown; code: number; message: string; group: string; kind: string }[] = [
    { name: 'core get', method: 'GET', path: `${core}/missing`, code: 404, message: 'events "missing" not found', group: '', kind: 'events' },
    { name: 'v1 get', method: 'GET', path: `${v1}/missing`, code: 404, message: 'events.events.k8s.io "missing" not found', group: 'events.k8s.io', kind: 'events' },
    { name: 'v1 delete', method: 'DELETE', path: `${v1}/missing`, code: 404, message: 'events.events.k8s.io "missing" not found', group: 'events.k8s.io', kind: 'events' },
    { name: 'core create', method: 'POST', path: core, body, code: 409, message: 'events "dup" already exists', group: '', kind: 'events' },
    { name: 'v1 create', method: 'POST', path: v1, body: v1Body, code: 409, message: 'events.events.k8s.io "dup" already exists', group: 'events.k8s.io', kind: 'events' },
    { name: 'v1 stale update', method: 'PUT', path: `${v1}/dup`, body: { ...v1Body, metadata: { name: 'dup', resourceVersion: '1' } }, code: 409, message: 'Operation cannot be fulfilled on events.events.k8s.io "dup"', group: 'events.k8s.io', kind: 'events' },
  ];
  for (const c of cases) {
    const r = await call(t.server, c.method, c.path, c.body);
    assert.equal(r.status, c.code, `${c.name}: ${JSON.stringify(r.body)}`);
    assert.ok(String(r.body.message).startsWith(c.message), `${c.name}: ${r.body.message}`);
    assert.equal(r.body.details?.group ?? '', c.group, c.name);
    assert.equal(r.body.details?.kind, c.kind, c.name);
  }
});
