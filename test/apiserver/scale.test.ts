/**
 * The scale subresource over HTTP and with `kubectl scale`: Deployments, ReplicaSets and a CRD with
 * `subresources.scale` (spec/status replicas and label selector paths).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { call, startTestServer, waitFor, type TestServer } from './harness.js';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t?.close();
});

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL!, args, { env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath }, timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

const podTemplate = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const deployment = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) } });

test('Deployment and ReplicaSet scale: get, update, merge patch, conflicts and validation', async () => {
  const base = '/apis/apps/v1/namespaces/default';
  assert.equal((await call(t.server, 'POST', `${base}/deployments`, deployment('web'))).status, 201);
  const got = await call(t.server, 'GET', `${base}/deployments/web/scale`);
  assert.equal(got.status, 200);
  assert.equal(got.body.kind, 'Scale');
  assert.equal(got.body.apiVersion, 'autoscaling/v1');
  assert.deepEqual(got.body.spec, { replicas: 1 });
  assert.equal(got.body.status.selector, 'app=web');

  const put = await call(t.server, 'PUT', `${base}/deployments/web/scale`, { ...got.body, spec: { replicas: 4 } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.spec.replicas, 4);
  const dep = await call(t.server, 'GET', `${base}/deployments/web`);
  assert.equal(dep.body.spec.replicas, 4);
  assert.equal(dep.body.metadata.generation, 2, 'a scale write changes spec, so generation moves');
  const stale = await call(t.server, 'PUT', `${base}/deployments/web/scale`, { ...got.body, spec: { replicas: 5 } });
  assert.equal(stale.status, 409);
  const patched = await call(t.server, 'PATCH', `${base}/deployments/web/scale`, { spec: { replicas: 2 } }, { contentType: 'application/merge-patch+json' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.spec.replicas, 2);
  const negative = await call(t.server, 'PATCH', `${base}/deployments/web/scale`, { spec: { replicas: -1 } }, { contentType: 'application/merge-patch+json' });
  assert.equal(negative.status, 422);
  assert.equal(negative.body.details.causes[0].field, 'spec.replicas');
  assert.equal((await call(t.server, 'GET', `${base}/deployments/missing/scale`)).status, 404);

  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: 1, selector: { matchLabels: { app: 'rs' } }, template: podTemplate('rs') } };
  assert.equal((await call(t.server, 'POST', `${base}/replicasets`, rs)).status, 201);
  const jp = await call(t.server, 'PATCH', `${base}/replicasets/rs/scale`, [{ op: 'replace', path: '/spec/replicas', value: 3 }], { contentType: 'application/json-patch+json' });
  assert.equal(jp.body.spec.replicas, 3);
  assert.equal((await call(t.server, 'GET', '/api/v1/namespaces/default/configmaps/x/scale')).status, 404);
});

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'pools.scale.example.com' },
  spec: {
    group: 'scale.example.com',
    scope: 'Namespaced',
    names: { plural: 'pools', singular: 'pool', kind: 'Pool' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.ready', labelSelectorPath: '.status.selector' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: { type: 'object', properties: { ready: { type: 'integer' }, selector: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

test('a CRD scale subresource follows its paths, with kubectl scale', { skip: KUBECTL ? false : 'kubectl not found' }, async () => {
  assert.equal((await call(t.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
  const base = '/apis/scale.example.com/v1/namespaces/default/pools';
  await waitFor('the CRD to be served', async () => (await call(t.server, 'GET', base)).status === 200, 10_000);
  assert.equal((await call(t.server, 'POST', base, { apiVersion: 'scale.example.com/v1', kind: 'Pool', metadata: { name: 'p' }, spec: { size: 1 } })).status, 201);
  const live = await call(t.server, 'GET', `${base}/p`);
  const st = await call(t.server, 'PUT', `${base}/p/status`, { ...live.body, status: { ready: 1, selector: 'pool=p' } });
  assert.equal(st.status, 200, JSON.stringify(st.body));
  const r = await kubectl(['scale', 'pools.scale.example.com/p', '--replicas=5']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /scaled/);
  const obj = await call(t.server, 'GET', `${base}/p`);
  assert.equal(obj.body.spec.size, 5);
  const scale = await call(t.server, 'GET', `${base}/p/scale`);
  assert.deepEqual({ spec: scale.body.spec, status: scale.body.status }, { spec: { replicas: 5 }, status: { replicas: 1, selector: 'pool=p' } });
  assert.equal((await call(t.server, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('kd'))).status, 201);
  const sd = await kubectl(['scale', 'deployment/kd', '--replicas=3']);
  assert.equal(sd.code, 0, sd.stderr);
  assert.equal((await call(t.server, 'GET', '/apis/apps/v1/namespaces/default/deployments/kd')).body.spec.replicas, 3);
});
