/**
 * The real Api: TLS and credentials from a @kubernetes/client-node KubeConfig (client
 * certificates, bearer tokens, exec/auth providers, basic auth, insecure-skip-tls-verify), JSON
 * and byte requests over undici, and websockets with subprotocol plain.kubevirt.io over `ws`.
 */
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import WebSocket, { createWebSocketStream } from 'ws';
import { StatusError, type Status, type StatusReason } from '../api/meta/index.js';
import type { Api, ApiRequest, GlobalOptions, Session } from './api.js';
import { loadKubeConfig, resolveNamespace } from './kubeconfig.js';
import { VirtctlError } from './errors.js';

/** The websocket subprotocol KubeVirt's console, VNC and port-forward streams speak. */
export const PLAIN_STREAM_PROTOCOL = 'plain.kubevirt.io';

/** TLS material and headers taken from a kubeconfig, usable by both undici and ws. */
export interface ClientTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads the current cluster's server URL and TLS/auth material from a kubeconfig. */
export async function clientTlsFromKubeConfig(kc: KubeConfig): Promise<{ server: URL; tls: ClientTls }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new VirtctlError('invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
  const opts: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string; headers?: Record<string, string>; auth?: string } = {};
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return {
    server: new URL(cluster.server),
    tls: { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername, headers },
  };
}

const REASONS: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Turns an error response into a StatusError, preferring the server's metav1.Status. */
export function statusErrorFrom(code: number, body: string): StatusError {
  try {
    const s = JSON.parse(body) as Partial<Status>;
    if (s && s.kind === 'Status' && typeof s.message === 'string') return new StatusError(s.code ?? code, s.reason ?? REASONS[code] ?? '', s.message, s.details);
  } catch {
    // not a Status: fall through to a generic message
  }
  const reason = REASONS[code] ?? 'InternalError';
  const text = body.trim();
  if (code === 404 && !text) return new StatusError(code, reason, 'the server could not find the requested resource');
  return new StatusError(code, reason, text ? `an error on the server ("${text.slice(0, 500)}") has prevented the request from succeeding` : `the server responded with the status code ${code} but did not return more information`);
}

function withQuery(path: string, query?: Readonly<Record<string, string>>): string {
  const q = new URLSearchParams(query ?? {}).toString();
  return q ? `${path}?${q}` : path;
}

/** The Api over a server URL and its TLS material. */
export class KubeApi implements Api {
  private readonly agent: Agent;

  constructor(
    private readonly server: URL,
    private readonly tls: ClientTls,
  ) {
    this.agent = new Agent({
      connect: { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername },
    });
  }

  private url(path: string, query?: Readonly<Record<string, string>>, ws = false): URL {
    const base = this.server.href.replace(/\/+$/, '');
    const u = new URL(base + withQuery(path, query));
    if (ws) u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u;
  }

  private async send(req: ApiRequest, accept: string): Promise<Buffer> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { ...this.tls.headers, Accept: accept };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const res = await request(this.url(req.path, req.query), { method: req.method, headers, body: payload, dispatcher: this.agent });
    const body = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode < 200 || res.statusCode >= 300) throw statusErrorFrom(res.statusCode, body.toString('utf8'));
    return body;
  }

  async json<T = unknown>(req: ApiRequest): Promise<T> {
    const body = await this.send(req, 'application/json');
    const text = body.toString('utf8');
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  bytes(req: ApiRequest): Promise<Buffer> {
    return this.send(req, '*/*');
  }

  stream(path: string, query?: Readonly<Record<string, string>>): Promise<Duplex> {
    // ws hands these options to https.request, which knows servername (its typings do not).
    const options: WebSocket.ClientOptions & { servername?: string } = {
      ca: this.tls.ca,
      cert: this.tls.cert,
      key: this.tls.key,
      rejectUnauthorized: this.tls.rejectUnauthorized,
      servername: this.tls.servername,
      headers: { ...this.tls.headers },
      handshakeTimeout: 30_000,
      perMessageDeflate: false,
    };
    const ws = new WebSocket(this.url(path, query, true), PLAIN_STREAM_PROTOCOL, options);
    return new Promise<Duplex>((resolve, reject) => {
      ws.once('open', () => {
        ws.removeAllListeners('error');
        resolve(createWebSocketStream(ws));
      });
      ws.once('unexpected-response', (req, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          req.destroy();
          reject(statusErrorFrom(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        });
        res.on('error', reject);
      });
      ws.once('error', (err) => reject(new VirtctlError(`Can't connect to websocket: ${err.message}`, { cause: err })));
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Resolves the kubeconfig and namespace from the global flags and connects. */
export async function connect(globals: GlobalOptions): Promise<Session> {
  const kc = loadKubeConfig(globals);
  const { namespace, overridden } = resolveNamespace(kc, globals);
  const { server, tls } = await clientTlsFromKubeConfig(kc);
  return { api: new KubeApi(server, tls), namespace, namespaceOverridden: overridden };
}
