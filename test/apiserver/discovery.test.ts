/**
 * Aggregated discovery (apidiscovery.k8s.io/v2) on /api and /apis, checked over HTTP and with real
 * kubectl, which asks for it since 1.30 and then reads no per-group-version documents.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { adminAgent, startTestServer, type TestServer } from './harness.js';

const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.33', '/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

let t: TestServer;
let cacheDir: string;
before(async () => {
  t = await startTestServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
});
after(async () => {
  await t?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function get(path: string, accept: string): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const agent = adminAgent(t.server);
  try {
    const res = await request(`${t.server.url}${path}`, { dispatcher: agent, headers: { accept } });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: (await res.body.json()) as Record<string, unknown> };
  } finally {
    await agent.close();
  }
}

interface Item {
  metadata: { name?: string };
  versions: { version: string; freshness: string; resources: { resource: string; scope: string; subresources?: { subresource: string; responseKind: { kind: string } }[] }[] }[];
}

test('/api and /apis answer APIGroupDiscoveryList when asked, legacy documents otherwise', async () => {
  const apis = await get('/apis', AGGREGATED);
  assert.equal(apis.status, 200);
  assert.equal(apis.type, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(apis.body.kind, 'APIGroupDiscoveryList');
  assert.equal(apis.body.apiVersion, 'apidiscovery.k8s.io/v2');
  const apps = (apis.body.items as Item[]).find((i) => i.metadata.name === 'apps');
  const deployments = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
  assert.equal(apps?.versions[0]?.freshness, 'Current');
  assert.equal(deployments?.scope, 'Namespaced');
  assert.ok(deployments?.subresources?.some((s) => s.subresource === 'status'));
  assert.equal((apis.body.items as Item[]).some((i) => i.metadata.name === ''), false, '/apis leaves out the core group');

  const core = await get('/api', AGGREGATED);
  const items = core.body.items as Item[];
  assert.equal(items.length, 1);
  const pods = items[0]?.versions.find((v) => v.version === 'v1')?.resources.find((r) => r.resource === 'pods');
  assert.deepEqual(pods?.subresources?.map((s) => s.subresource).sort().filter((s) => ['binding', 'eviction', 'status'].includes(s)), ['binding', 'eviction', 'status']);
  assert.equal(pods?.subresources?.find((s) => s.subresource === 'eviction')?.responseKind.kind, 'Eviction');

  const beta = await get('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  assert.equal(beta.body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  const legacy = await get('/apis', 'application/json');
  assert.equal(legacy.body.kind, 'APIGroupList');
  assert.equal(legacy.type, 'application/json');
});

test('kubectl api-resources reads aggregated discovery, CRDs included', { skip: KUBECTL ? false : 'kubectl not found' }, async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.disco.example.com' },
    spec: {
      group: 'disco.example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wdg'] },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const agent = adminAgent(t.server);
  const res = await request(`${t.server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { method: 'POST', dispatcher: agent, body: JSON.stringify(crd), headers: { 'content-type': 'application/json' } });
  await res.body.text();
  await agent.close();
  assert.equal(res.statusCode, 201);
  const deadline = Date.now() + 10_000;
  let out = { code: 1, stdout: '', stderr: '' };
  while (Date.now() < deadline) {
    out = await new Promise((resolve) => {
      execFile(KUBECTL!, ['api-resources', '-v=6', `--cache-dir=${cacheDir}`], { env: { ...process.env, KUBECONFIG: t.server.kubeconfigPath }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    if (out.code === 0 && /widgets\s+wdg\s+disco\.example\.com\/v1\s+true\s+Widget/.test(out.stdout)) break;
    rmSync(cacheDir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /widgets\s+wdg\s+disco\.example\.com\/v1\s+true\s+Widget/);
  assert.match(out.stdout, /configmaps\s+cm\s+v1\s+true\s+ConfigMap/);
  assert.match(out.stdout, /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
  // kubectl logs requests as `GET https://host/apis?timeout=32s 200 OK` (<= 1.32) or `url="https://host/apis?..." status="200 OK"` (1.33+).
  assert.match(out.stderr, /https:\/\/[^ "]+\/apis\?timeout=\S+ (status=")?200 OK/);
  assert.doesNotMatch(out.stderr, /https:\/\/[^ "]+\/apis\/apps\/v1\?/, 'no per-group-version discovery requests');
});
