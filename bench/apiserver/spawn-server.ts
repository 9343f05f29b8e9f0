/**
 * Starts the benchmark's API server in its own process: the built server (dist/, as `kubevirt-ts up`
 * runs it) by default, or the TypeScript sources through tsx. Resolves once it prints its URL; with
 * `diag`, the server also answers event-loop, GC and checkpoint diagnostics over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serverDiagSource, type ServerDiag } from './server-diag.js';

/** What the server process reports once it listens. */
export interface StartedServer {
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
}

/** How to run the server: which tree, from dist/ or src/, with which extra node flags. */
export interface ServerProcessOptions {
  readonly root: string;
  readonly source?: boolean;
  readonly nodeArgs?: readonly string[];
  /** File that receives the server's further stdout (e.g. V8 traces); by default it is dropped. */
  readonly log?: string;
  /** Install the diagnostics of server-diag.ts (event-loop delay, GC pauses, checkpoints). */
  readonly diag?: boolean;
}

/** The node arguments that run the API server of `root` alone (one JSON line on stdout once ready). */
export function serverArgs(opts: ServerProcessOptions): string[] {
  const extra = [...(opts.nodeArgs ?? []), ...(opts.source ? ['--import', 'tsx'] : [])];
  const mod = (p: string): string => JSON.stringify(new URL(`file://${join(opts.root, opts.source ? `src/${p}.ts` : `dist/${p}.js`)}`).href);
  const script = [
    `import { mkdtempSync } from 'node:fs';`,
    `import { tmpdir } from 'node:os';`,
    `import { join } from 'node:path';`,
    `const { startApiServer } = await import(${mod('cluster/apiserver/server')});`,
    `const { defaultModules } = await import(${mod('cluster/apiserver/wiring')});`,
    `const dataDir = mkdtempSync(join(tmpdir(), 'kvts-bench-'));`,
    `const server = await startApiServer({ dataDir, port: 0, modules: defaultModules() });`,
    opts.diag ? serverDiagSource : '',
    `console.log(JSON.stringify({ url: server.url, dataDir, pid: process.pid }));`,
    `process.on('SIGTERM', () => { void server.stop().then(() => process.exit(0)); });`,
  ].join('\n');
  return [...extra, '--input-type=module', '-e', script];
}

/** A spawned server; diag() asks it for its diagnostics since the last reset (requires opts.diag). */
export interface ServerProcess {
  readonly info: StartedServer;
  readonly child: ChildProcess;
  diag(reset: boolean): Promise<ServerDiag>;
  stop(): Promise<void>;
}

/** Spawns the server and waits for its first line; stop() sends SIGTERM and waits for the exit. */
export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  if (!opts.source && !existsSync(join(opts.root, 'dist/cluster/apiserver/server.js'))) {
    throw new Error(`${opts.root}/dist has no built API server: run \`npm run build\` there first (or pass --source)`);
  }
  const stdio = opts.diag ? (['ignore', 'pipe', 'inherit', 'ipc'] as const) : (['ignore', 'pipe', 'inherit'] as const);
  const child = spawn(process.execPath, serverArgs(opts), { cwd: opts.root, stdio: [...stdio] });
  const log = opts.log ? createWriteStream(opts.log) : undefined;
  const info = await new Promise<StartedServer>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let started = false;
    lines.on('line', (l) => {
      if (!started && l.startsWith('{"url"')) resolve(JSON.parse(l) as StartedServer);
      else log?.write(`${l}\n`);
      started ||= l.startsWith('{"url"');
    });
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const diag = (reset: boolean): Promise<ServerDiag> =>
    new Promise((resolve, reject) => {
      if (!opts.diag) return reject(new Error('the server was started without diagnostics'));
      child.once('message', (m) => resolve(m as ServerDiag));
      child.send({ cmd: 'diag', reset });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { info, child, diag, stop };
}
