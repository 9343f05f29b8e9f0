/**
 * Test doubles for virtctl's seams (unit tests only): a recording fake Api that answers from a
 * handler, a terminal made of in-memory streams, and a CommandContext wired to both.
 */
import { PassThrough, type Duplex } from 'node:stream';
import type { Api, ApiRequest, CommandContext, GlobalOptions, SpawnedProcess } from './api.js';
import { runVirtctl } from './cli.js';

/** Answers one request (return a value, or throw a StatusError). */
export type FakeHandler = (req: ApiRequest) => unknown;

/** What a fake run observed. */
export interface FakeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly requests: readonly ApiRequest[];
  readonly streams: readonly string[];
  readonly spawned: readonly { file: string; args: readonly string[] }[];
  readonly globals: readonly GlobalOptions[];
  readonly written: ReadonlyMap<string, Buffer>;
}

export interface FakeOptions {
  readonly handler?: FakeHandler;
  /** Opens a fake websocket for a path. */
  readonly stream?: (path: string) => Duplex;
  readonly namespace?: string;
  readonly env?: Record<string, string>;
  readonly onPath?: readonly string[];
  readonly spawnExit?: number;
  readonly files?: Readonly<Record<string, string>>;
  readonly stdin?: string;
}

/** Runs virtctl with argv against fakes and collects everything it did. */
export async function runFake(argv: readonly string[], opts: FakeOptions = {}): Promise<FakeRun> {
  const requests: ApiRequest[] = [];
  const streams: string[] = [];
  const spawned: { file: string; args: readonly string[] }[] = [];
  const globals: GlobalOptions[] = [];
  const written = new Map<string, Buffer>();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  if (opts.stdin !== undefined) stdin.end(opts.stdin);
  const api: Api = {
    json: async <T>(req: ApiRequest) => {
      requests.push(req);
      return (await opts.handler?.(req)) as T;
    },
    bytes: async (req) => {
      requests.push(req);
      return (await opts.handler?.(req)) as Buffer;
    },
    stream: async (path) => {
      streams.push(path);
      if (!opts.stream) throw new Error(`no fake stream for ${path}`);
      return opts.stream(path);
    },
    close: async () => undefined,
  };
  const ctx: CommandContext = {
    term: { stdin, stdout, stderr },
    env: opts.env ?? { USER: 'tester' },
    connect: async (g) => {
      globals.push(g);
      return { api, namespace: g.namespace ?? opts.namespace ?? 'default', namespaceOverridden: g.namespace !== undefined };
    },
    spawn: (file, args): SpawnedProcess => {
      spawned.push({ file, args });
      return { exited: Promise.resolve(opts.spawnExit ?? 0), kill: () => undefined };
    },
    which: (file) => ((opts.onPath ?? ['ssh', 'scp']).includes(file) ? `/usr/bin/${file}` : undefined),
    selfCommand: ['/usr/bin/node', '/opt/kubevirt-ts/bin/virtctl.js'],
    programName: 'virtctl',
    interrupted: new AbortController().signal,
    readFile: async (p) => {
      const f = opts.files?.[p];
      if (f === undefined) throw new Error(`open ${p}: no such file or directory`);
      return Buffer.from(f);
    },
    writeFile: async (p, data) => void written.set(p, data),
  };
  const code = await runVirtctl(argv, ctx);
  return { code, stdout: out, stderr: err, requests, streams, spawned, globals, written };
}
