// Real kubectl against a minimal discovery + OpenAPI server built from our catalogue and documents:
// `kubectl explain` must resolve built-in kinds and print upstream's field descriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtinResources } from '../catalogue.js';
import { builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Protobuf } from './index.js';

const KUBECTL = '/usr/bin/kubectl';

function resourceList(group: string, version: string): unknown {
  const resources = builtinResources
    .filter((r) => r.group === group && r.version === version)
    .flatMap((r) => [
      { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames, categories: r.categories },
      ...r.subresources.map((s) => ({ name: `${r.plural}/${s}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] })),
    ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function route(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '30', gitVersion: 'v1.30.0' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/api/v1') return resourceList('', 'v1');
  if (path === '/apis') {
    const groups = [...new Set(builtinResources.filter((r) => r.group).map((r) => r.group))].map((g) => ({
      name: g,
      versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
    }));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (gv) return resourceList(gv[1]!, gv[2]!);
  if (path === '/openapi/v2') return builtinOpenApiV2();
  if (path === '/openapi/v3') {
    const paths = Object.fromEntries(builtinOpenApiV3Paths().map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${encodeDocument(builtinOpenApiV3(p)!).hash}` }]));
    return { paths };
  }
  if (path.startsWith('/openapi/v3/')) return builtinOpenApiV3(path.slice('/openapi/v3/'.length));
  return undefined;
}

async function withServer(fn: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/openapi/v2' && (req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF)) {
      res.writeHead(200, { 'content-type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE }).end(openApiV2Protobuf(builtinOpenApiV2()));
      return;
    }
    const body = route(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object');
  try {
    await fn(`http://127.0.0.1:${addr.port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const run = promisify(execFile);

test('kubectl explain reads our OpenAPI documents', { skip: existsSync(KUBECTL) ? false : `no kubectl at ${KUBECTL}` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  try {
    await withServer(async (url) => {
      const kubectl = (...args: string[]) =>
        run(KUBECTL, ['--server', url, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } });
      const containers = await kubectl('explain', 'pods.spec.containers');
      assert.match(containers.stdout, /KIND:\s+Pod/);
      assert.match(containers.stdout, /A single application container that you want to run within a pod\./);
      assert.match(containers.stdout, /imagePullPolicy/);
      const deploy = await kubectl('explain', 'deploy.spec.replicas');
      assert.match(deploy.stdout, /GROUP:\s+apps/);
      assert.match(deploy.stdout, /replicas\s+<integer>/);
      const cm = await kubectl('explain', 'configmap.data');
      assert.match(cm.stdout, /Data contains the configuration data/);
      const v2 = await kubectl('explain', 'configmap.data', '--output=plaintext-openapiv2');
      assert.match(v2.stdout, /Data contains the configuration data/);
      const v2pod = await kubectl('explain', 'pod.spec.containers.ports', '--output=plaintext-openapiv2');
      assert.match(v2pod.stdout, /containerPort\s+<integer> -required-/);
      const vwc = await kubectl('explain', 'validatingwebhookconfigurations.webhooks.sideEffects');
      assert.match(vwc.stdout, /GROUP:\s+admissionregistration\.k8s\.io/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
