/**
 * Test harness: an API server started in-process in a temporary data dir, with helpers to reach it
 * as admin (client certificate) and to wait on conditions with a deadline.
 */
import { after, before } from 'node:test';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from '../../src/cluster/apiserver/server.js';
import { defaultModules } from '../../src/cluster/apiserver/wiring.js';

/** A server plus its temp dir; `close()` stops it and removes the dir. */
export interface TestServer {
  readonly server: RunningApiServer;
  readonly dataDir: string;
  /** Restarts the server on the same data dir and port. */
  restart(): Promise<RunningApiServer>;
  close(): Promise<void>;
}

/** Starts a server on a random port in a fresh temp dir. */
export async function startTestServer(opts: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kvts-apiserver-')));
  const start = (port: number) => startApiServer({ dataDir, modules: defaultModules(), ...opts, port });
  let server = await start(opts.port ?? 0);
  return {
    get server() {
      return server;
    },
    dataDir,
    async restart() {
      const port = server.port;
      await server.stop();
      server = await start(port);
      return server;
    },
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a server (as startTestServer) with one namespace created in it. */
export async function startTestServerWithNamespace(namespace: string, opts: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const t = await startTestServer(opts);
  const r = await call(t.server, 'POST', '/api/v1/namespaces', { metadata: { name: namespace } });
  if (r.status !== 201) {
    await t.close();
    throw new Error(`creating namespace ${namespace}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return t;
}

/** An undici dispatcher presenting the admin client certificate. */
export function adminAgent(s: RunningApiServer): Agent {
  return new Agent({ connect: { ca: s.pki.ca.certPem, cert: s.pki.admin.certPem, key: s.pki.admin.keyPem } });
}

/** A raw JSON request; returns status and parsed body. */
export async function call(
  s: RunningApiServer,
  method: string,
  path: string,
  body?: unknown,
  opts: { agent?: Agent; contentType?: string; headers?: Record<string, string> } = {},
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
): Promise<{ status: number; body: any }> {
  const agent = opts.agent ?? adminAgent(s);
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await request(`${s.url}${path}`, {
    method: method as 'GET',
    dispatcher: agent,
    body: payload,
    headers: { ...(payload !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}), ...opts.headers },
  });
  const text = await res.body.text();
  if (!opts.agent) await agent.close();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (health endpoints)
  }
  return { status: res.statusCode, body: parsed };
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What one kubectl run printed and how it exited. */
export interface KubectlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a kubectl binary against a kubeconfig (stdin from `input`), never rejecting. */
export function runKubectl(bin: string, kubeconfigPath: string, args: string[], input?: string): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: { ...process.env, KUBECONFIG: kubeconfigPath }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** One test file's kubectl suite: the kubectl binary, and a server started before its tests and closed after. */
export interface KubectlSuite {
  /** A skip reason when no kubectl binary exists, else false. */
  readonly skip: string | false;
  readonly server: () => TestServer;
  kubectl(args: string[], input?: string): Promise<KubectlRun>;
  /** Runs kubectl and asserts it exited 0; resolves to stdout. */
  ok(args: string[], input?: string): Promise<string>;
}

/** Registers before/after hooks of a kubectl suite in the calling test file. */
export function kubectlSuite(opts: Partial<ApiServerOptions> = {}): KubectlSuite {
  const bin = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
  const skip = bin ? false : 'kubectl not found in /usr/bin or /usr/local/bin';
  let t: TestServer | undefined;
  before(async () => {
    if (!skip) t = await startTestServer(opts);
  });
  after(async () => {
    await t?.close();
  });
  const server = (): TestServer => {
    if (!t) throw new Error('the kubectl suite server is not running');
    return t;
  };
  const kubectl = (args: string[], input?: string): Promise<KubectlRun> => runKubectl(bin ?? 'kubectl', server().server.kubeconfigPath, args, input);
  return {
    skip,
    server,
    kubectl,
    async ok(args, input) {
      const r = await kubectl(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
  };
}
