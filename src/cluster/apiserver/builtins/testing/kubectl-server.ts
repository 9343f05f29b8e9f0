/**
 * Test support: a loopback HTTP server answering discovery from our catalogue and /openapi from
 * our documents (plus routes a test adds), and a runner for the real kubectl pointed at it.
 * Lets tests check what kubectl makes of this module's output without the server core.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtinResources } from '../catalogue.js';
import { builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Protobuf } from '../openapi/index.js';

/** Where the machine image installs kubectl. */
export const KUBECTL = '/usr/bin/kubectl';
/** A node:test `skip` value: false when kubectl exists, else the reason. */
export const skipWithoutKubectl: string | false = existsSync(KUBECTL) ? false : `no kubectl at ${KUBECTL}`;

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

/** Extra routes: a JSON body for a path, or undefined to fall through. */
export type Routes = (path: string, req: IncomingMessage) => unknown;

function startServer(extra: Routes): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/openapi/v2' && (req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF)) {
      res.writeHead(200, { 'content-type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE }).end(openApiV2Protobuf(builtinOpenApiV2()));
      return;
    }
    const body = extra(path, req) ?? route(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
}

const run = promisify(execFile);

/** Runs `fn` with a kubectl function bound to a fresh server and cache dir; cleans both up. */
export async function withKubectl(extra: Routes, fn: (kubectl: (...args: string[]) => Promise<string>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const server = startServer(extra);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object');
  const url = `http://127.0.0.1:${addr.port}`;
  const kubectl = async (...args: string[]): Promise<string> => {
    const out = await run(KUBECTL, ['--server', url, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } });
    return out.stdout;
  };
  try {
    await fn(kubectl);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}
