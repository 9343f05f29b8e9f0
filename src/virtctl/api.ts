/**
 * The seams between virtctl's commands and the outside world: an API (JSON, raw bytes and
 * websocket streams to the Kubernetes API server), the terminal, and process spawning. Commands
 * build requests with pure functions and call these; unit tests pass fakes, the binary real ones.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

/** One HTTP request against the API server, path absolute (`/apis/...`). */
export interface ApiRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** JSON body; undefined sends no body (as client-go does for PUT softreboot). */
  readonly body?: unknown;
}

/** What commands need from the API server. Failures reject with a StatusError. */
export interface Api {
  /** A request whose response is JSON (or empty). */
  json<T = unknown>(req: ApiRequest): Promise<T>;
  /** A GET whose response body is returned as bytes (PNG screenshots). */
  bytes(req: ApiRequest): Promise<Buffer>;
  /** A websocket (subprotocol plain.kubevirt.io) as a byte stream; ends when either side closes. */
  stream(path: string, query?: Readonly<Record<string, string>>): Promise<Duplex>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}

/** Flags every command inherits, resolved as kubectl resolves them. */
export interface GlobalOptions {
  readonly kubeconfig?: string;
  readonly namespace?: string;
  readonly context?: string;
}

/** A connected API plus the namespace the command works in. */
export interface Session {
  readonly api: Api;
  readonly namespace: string;
  /** True when the namespace came from --namespace (create vm writes it only then). */
  readonly namespaceOverridden: boolean;
}

/** The standard streams as virtctl uses them (stdin may be a TTY). */
export interface Terminal {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A child process as ssh/scp/VNC viewer launching needs it. */
export interface SpawnedProcess {
  readonly exited: Promise<number>;
  kill(): void;
}

/** Everything a command may touch; cli.ts builds the real one, tests build fakes. */
export interface CommandContext {
  readonly term: Terminal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves kubeconfig, context and namespace, and connects. */
  connect(globals: GlobalOptions): Promise<Session>;
  /** Runs a program with inherited stdio (or ignored stdio when quiet). */
  spawn(file: string, args: readonly string[], opts?: { quiet?: boolean }): SpawnedProcess;
  /** Full path of an executable on PATH, or undefined. */
  which(file: string): string | undefined;
  /** The argv that runs this virtctl again (ssh's ProxyCommand). */
  readonly selfCommand: readonly string[];
  /** `virtctl`, or `kubectl virt` when run as the kubectl plugin. */
  readonly programName: string;
  /** Aborted on SIGINT: long-running commands (port-forward, vnc) stop cleanly. */
  readonly interrupted: AbortSignal;
  /** Reads a local file (create vm --password-file). */
  readFile(path: string): Promise<Buffer>;
  /** Writes a local file (vnc screenshot --file). */
  writeFile(path: string, data: Buffer): Promise<void>;
}

/** A free-form Kubernetes object as parsed JSON (manifests built or read by create/expose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- built and read as plain JSON, fields vary by kind
export type JsonObject = Record<string, any>;
