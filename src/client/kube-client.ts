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

export class KubeClient {
  private constructor(
    private readonly server: URL,
    private readonly baseOptions: https.RequestOptions,
    private readonly agent: http.Agent,
  ) {}

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
    const server = new URL(cluster.server);
    if (server.protocol === 'https:') sharedSecureContext(opts);
    const agent = server.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 32, ...opts } as https.AgentOptions) : new http.Agent({ keepAlive: true });
    return new KubeClient(server, opts, agent);
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, opts: RequestOptions, headers: Record<string, string>): http.ClientRequest {
    const url = new URL(withQuery(path, opts.query), this.server);
    const mod = url.protocol === 'https:' ? https : http;
    return mod.request(url, {
      ...this.baseOptions,
      method,
      agent: this.agent,
      headers: { ...(this.baseOptions.headers as Record<string, string> | undefined), Accept: 'application/json', ...headers },
      signal: opts.signal,
    });
  }

  /** One JSON request; resolves with the parsed body, rejects with a StatusError. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const text = await this.requestText(method, path, opts);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One request whose 2xx body is returned as text (health endpoints answer `ok`); rejects with a StatusError. */
  requestText(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
    const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers: Record<string, string> = {};
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<string>((resolve, reject) => {
      const req = this.open(method, path, opts, headers);
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(text);
          else reject(statusFrom(code, text));
        });
      });
      req.end(payload);
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
      const req = this.open('GET', path, { query: { ...query, watch: 'true' }, signal }, {});
      req.on('error', (e) => (signal?.aborted ? resolve() : reject(e)));
      req.on('response', (res) => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(statusFrom(code, Buffer.concat(chunks).toString('utf8'))));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            try {
              onEvent(JSON.parse(line) as WatchEvent<T>);
            } catch (err) {
              // A handler (or the server's ERROR event) ends this watch; the caller decides what next.
              res.destroy();
              reject(err instanceof Error ? err : new Error(String(err)));
              return;
            }
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
