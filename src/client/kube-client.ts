/**
 * A small Kubernetes REST client: JSON requests and watch streams over node's https, with TLS
 * and credentials taken from a kubeconfig by @kubernetes/client-node. Errors come back as the
 * server's metav1.Status wrapped in a StatusError, so callers branch on `code`/`reason`.
 */
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { StatusError, type Status } from '../api/meta/index.js';

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** The caller does not read the answer: resolve with `undefined` once it is 2xx, without parsing it. */
  readonly discardResponse?: boolean;
}

export interface WatchEvent<T = unknown> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/**
 * Splits a stream of text into lines (a watch stream's events), handing each non-blank line to the
 * callback as soon as its newline arrives; a partial line waits for the next chunk. A throwing
 * callback stops the chunk there (the caller ends the stream).
 */
export class LineSplitter {
  private rest = '';

  push(chunk: string, onLine: (line: string) => void): void {
    const buf = this.rest ? this.rest + chunk : chunk;
    this.rest = '';
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const line = buf.slice(start, nl);
      start = nl + 1;
      if (line.trim() !== '') onLine(line);
    }
    this.rest = start === 0 ? buf : buf.slice(start);
  }
}

/** client-go's default number of retries of a request the server refused with 429. */
const MAX_RETRIES = 10;

/** The wait a Retry-After header asks for (seconds; 1 s when absent or not a number, at most 60 s). */
export function retryAfterMs(header: string | undefined): number {
  const s = Number(header);
  return (Number.isFinite(s) && s >= 0 ? Math.min(s, 60) : 1) * 1000;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function statusFrom(code: number, text: string): StatusError {
  try {
    const s = JSON.parse(text) as Partial<Status>;
    if (s.kind === 'Status') return new StatusError(s.code ?? code, s.reason ?? '', s.message ?? text, s.details);
  } catch {
    // not JSON: fall through
  }
  return new StatusError(code, code === 404 ? 'NotFound' : 'InternalError', text || `HTTP ${code}`);
}

/** The TLS options a SecureContext is built from (the rest, e.g. servername, stay per connection). */
const contextOptions = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'crl', 'ciphers', 'minVersion', 'maxVersion'] as const;

/**
 * Builds the client's one SecureContext from its CA, certificate and key and puts it in `opts` in
 * their place: node would otherwise parse the key and certificates again for every new connection.
 */
export function sharedSecureContext(opts: https.RequestOptions & { secureContext?: tls.SecureContext }): void {
  if (opts.secureContext) return;
  const o = opts as Record<string, unknown>;
  const ctx: tls.SecureContextOptions = {};
  for (const k of contextOptions) {
    if (o[k] === undefined) continue;
    (ctx as Record<string, unknown>)[k] = o[k];
    delete o[k];
  }
  opts.secureContext = tls.createSecureContext(ctx);
}

/** The parts of every request's options that depend only on the server: built once per client. */
interface FixedRequestOptions {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: string;
  readonly agent: http.Agent;
  /** Basic auth from the kubeconfig (`user:password`), when it has one. */
  readonly auth?: string;
  /** Headers of every request: the kubeconfig's, then Accept. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Characters a request path may hold as is (what `new URL` would leave unchanged). */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;

/**
 * The request target of `path` (with `query`) as `new URL(path, server)` would give it, without
 * building a URL for the common case: an absolute path of plain characters and no dot segments.
 */
export function requestTarget(path: string, query: RequestOptions['query'], server: URL): string {
  const p = query ? withQuery(path, query) : path;
  if (PLAIN_PATH.test(p) && !p.includes('/.') && !p.includes('//')) return p;
  const u = new URL(p, server);
  return `${u.pathname}${u.search}`;
}

/**
 * The options the client's https Agent takes from the kubeconfig's: the TLS ones (the agent makes
 * every connection with them) without client-node's agent and the per-request fields.
 */
function tlsAgentOptions(opts: https.RequestOptions & { secureContext?: tls.SecureContext }): https.AgentOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && k !== 'agent' && k !== 'headers' && k !== 'auth') out[k] = v;
  return out;
}

export class KubeClient {
  private readonly fixed: FixedRequestOptions;
  private readonly send: typeof http.request;

  private constructor(
    private readonly server: URL,
    baseOptions: https.RequestOptions,
    private readonly agent: http.Agent,
  ) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(baseOptions.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    headers.Accept = 'application/json';
    this.fixed = {
      protocol: server.protocol === 'https:' ? 'https:' : 'http:',
      hostname: server.hostname.startsWith('[') ? server.hostname.slice(1, -1) : server.hostname,
      port: server.port || (server.protocol === 'https:' ? '443' : '80'),
      agent,
      ...(baseOptions.auth ? { auth: baseOptions.auth } : {}),
      headers,
    };
    this.send = server.protocol === 'https:' ? https.request : http.request;
  }

  /** From a kubeconfig file (or the in-cluster config when no path is given). */
  static async fromKubeconfig(path?: string): Promise<KubeClient> {
    const kc = new KubeConfig();
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
    return KubeClient.fromConfig(kc);
  }

  static async fromConfig(kc: KubeConfig): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const opts: https.RequestOptions & { secureContext?: tls.SecureContext } = {};
    await kc.applyToHTTPSOptions(opts);
    // client-node's own agent (built from the PEM strings) is never used: ours carries the TLS options.
    delete opts.agent;
    const server = new URL(cluster.server);
    if (server.protocol === 'https:') sharedSecureContext(opts);
    const agent = server.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 32, ...tlsAgentOptions(opts) }) : new http.Agent({ keepAlive: true });
    return new KubeClient(server, opts, agent);
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, opts: RequestOptions, headers: Record<string, string> | undefined): http.ClientRequest {
    const f = this.fixed;
    return this.send({
      protocol: f.protocol,
      hostname: f.hostname,
      port: f.port,
      agent: f.agent,
      auth: f.auth,
      method,
      path: requestTarget(path, opts.query, this.server),
      headers: headers ? { ...f.headers, ...headers } : f.headers,
      signal: opts.signal,
    });
  }

  /** One JSON request; resolves with the parsed body, rejects with a StatusError. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const text = await this.requestText(method, path, opts);
    return (text && !opts.discardResponse ? JSON.parse(text) : undefined) as T;
  }

  /**
   * One request whose 2xx body is returned as text (health endpoints answer `ok`); rejects with a
   * StatusError. A 429 (the server's priority and fairness refused to queue it, so nothing was done)
   * is retried after its Retry-After, up to MAX_RETRIES times, as client-go does.
   */
  async requestText(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(method, path, opts, payload);
      if (r.code >= 200 && r.code < 300) return r.text;
      if (r.code !== 429 || attempt >= MAX_RETRIES || opts.signal?.aborted) throw statusFrom(r.code, r.text);
      await sleep(retryAfterMs(r.retryAfter), opts.signal);
    }
  }

  /** One attempt: the status code, the body and the Retry-After header. */
  private once(method: string, path: string, opts: RequestOptions, payload: string | undefined): Promise<{ code: number; text: string; retryAfter?: string }> {
    const headers = payload === undefined ? undefined : { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) };
    return new Promise((resolve, reject) => {
      const req = this.open(method, path, opts, headers);
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
          const retryAfter = res.headers['retry-after'];
          resolve({ code: res.statusCode ?? 0, text, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
        });
      });
      if (payload === undefined) req.end();
      else req.end(payload, 'utf8');
    });
  }

  get<T = unknown>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, opts);
  }
  create<T = unknown>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body });
  }
  replace<T = unknown>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  /** JSON patch (an array) or merge patch (an object) unless a content type is given. */
  patch<T = unknown>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    const contentType = opts.contentType ?? (Array.isArray(body) ? 'application/json-patch+json' : 'application/merge-patch+json');
    return this.request<T>('PATCH', path, { ...opts, body, contentType });
  }
  delete<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, opts);
  }

  /**
   * Streams watch events until the server closes the stream, `signal` aborts, or an error.
   * Resolves when the stream ends; rejects with a StatusError when the server refuses the watch.
   */
  watch<T = unknown>(path: string, query: RequestOptions['query'], onEvent: (e: WatchEvent<T>) => void, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const req = this.open('GET', path, { query: { ...query, watch: 'true' }, signal }, undefined);
      req.on('error', (e) => (signal?.aborted ? resolve() : reject(e)));
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(statusFrom(code, Buffer.concat(chunks).toString('utf8'))));
          return;
        }
        const lines = new LineSplitter();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          try {
            lines.push(chunk, (line) => onEvent(JSON.parse(line) as WatchEvent<T>));
          } catch (err) {
            // A handler (or the server's ERROR event) ends this watch; the caller decides what next.
            res.destroy();
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('end', () => resolve());
        res.on('error', (e) => (signal?.aborted ? resolve() : reject(e)));
        res.on('aborted', () => resolve());
      });
      req.end();
    });
  }
}
