/**
 * Forwarding one request to an aggregated API server over TLS with the front-proxy client
 * certificate: plain requests (streamed both ways, so watches work) and protocol upgrades
 * (websockets: the 101 answer relayed, then raw bytes piped).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { serviceUnavailable, type StatusError } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import { setIdentityHeaders, stripCallerCredentials } from '../../../common/request-header.js';
import { secureContextFor } from '../tls-contexts.js';

/** Where the backend is and how to check its certificate. */
export interface BackendTarget {
  readonly host: string;
  readonly port: number;
  /** Name its serving certificate must carry (`<svc>.<ns>.svc`). */
  readonly servername: string;
  /** PEM CAs from the APIService caBundle; ignored with insecureSkipTLSVerify. */
  readonly ca?: string;
  readonly insecureSkipTLSVerify?: boolean;
}

/** The front-proxy client certificate (signed by the request-header CA) and its key, PEM. */
export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** The headers sent to the backend: the caller's minus hop-by-hop and credentials, plus identity. */
export function backendHeaders(incoming: IncomingHttpHeaders, user: UserInfo, target: BackendTarget, upgrade: boolean): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(incoming)) {
    if (!HOP_BY_HOP.has(k)) out[k] = v;
  }
  stripCallerCredentials(out);
  setIdentityHeaders(out, user);
  out.host = `${target.servername}:${target.port}`;
  if (upgrade) {
    out.connection = 'Upgrade';
    if (incoming.upgrade) out.upgrade = incoming.upgrade;
  }
  return out;
}

function requestOptions(target: BackendTarget, tls: ClientCertificate, method: string, path: string, headers: Record<string, string | string[] | undefined>): RequestOptions & { secureContext: SecureContext } {
  return {
    host: target.host,
    port: target.port,
    method,
    path,
    headers: headers,
    servername: target.servername,
    cert: tls.cert,
    key: tls.key,
    ...(target.insecureSkipTLSVerify ? { rejectUnauthorized: false } : target.ca ? { ca: target.ca } : {}),
    secureContext: secureContextFor({ cert: tls.cert, key: tls.key, ...(target.insecureSkipTLSVerify ? {} : { ca: target.ca }) }),
    agent: false,
  };
}

const unreachable = (err: Error): StatusError => serviceUnavailable(`error trying to reach service: ${err.message}`);

/**
 * Forwards `req` to the backend at `path` (path and query) and streams the answer into `res`.
 * Rejects with a 503 StatusError when the backend cannot be reached before any answer was sent;
 * resolves when the answer is complete or the caller went away.
 */
export function proxyRequest(target: BackendTarget, tls: ClientCertificate, req: IncomingMessage, res: ServerResponse, user: UserInfo, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = request(requestOptions(target, tls, req.method ?? 'GET', path, backendHeaders(req.headers, user, target, false)));
    upstream.on('error', (err) => {
      if (!res.headersSent) reject(unreachable(err));
      else {
        res.destroy(err);
        resolve();
      }
    });
    upstream.on('response', (answer) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(answer.headers)) {
        if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      res.flushHeaders();
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', (err) => {
        res.destroy(err);
        resolve();
      });
    });
    // The caller hanging up (e.g. ending a watch) tears the backend request down too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}

/** The status line and headers of `answer` as raw HTTP/1.1, minus the headers named in `drop`. */
function rawResponseHead(answer: IncomingMessage, drop: ReadonlySet<string> = new Set(), extra: readonly string[] = []): string {
  const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`];
  for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
    const name = answer.rawHeaders[i] ?? '';
    if (!drop.has(name.toLowerCase())) lines.push(`${name}: ${answer.rawHeaders[i + 1]}`);
  }
  return `${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

/** Writes a metav1.Status error as a raw HTTP/1.1 response on an upgrade socket and closes it. */
export function writeStatusToSocket(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Forwards an Upgrade request (websocket): relays the backend's 101 and then pipes raw bytes both
 * ways; a non-101 answer is relayed as is. Resolves once the exchange is set up or answered.
 */
export function proxyUpgradeRequest(
  target: BackendTarget,
  tls: ClientCertificate,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  user: UserInfo,
  path: string,
): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request(requestOptions(target, tls, req.method ?? 'GET', path, backendHeaders(req.headers, user, target, true)));
    const onClientGone = (): void => {
      upstream.destroy();
    };
    socket.once('close', onClientGone);
    upstream.on('error', (err) => {
      if (!socket.destroyed) writeStatusToSocket(socket, unreachable(err));
      resolve();
    });
    upstream.on('upgrade', (answer, backend, backendHead) => {
      socket.off('close', onClientGone);
      socket.write(rawResponseHead(answer));
      if (backendHead.length > 0) socket.write(backendHead);
      if (head.length > 0) backend.write(head);
      backend.pipe(socket);
      socket.pipe(backend);
      const teardown = (): void => {
        backend.destroy();
        socket.destroy();
      };
      backend.on('error', teardown);
      socket.on('error', teardown);
      backend.on('close', teardown);
      socket.on('close', teardown);
      resolve();
    });
    upstream.on('response', (answer) => {
      // Refused upgrade: relay the answer with its (decoded) body and close.
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const drop = new Set(['transfer-encoding', 'content-length', 'connection']);
        socket.end(Buffer.concat([Buffer.from(rawResponseHead(answer, drop, [`Content-Length: ${body.length}`, 'Connection: close'])), body]));
        resolve();
      });
    });
    upstream.end();
  });
}

/** Discovery answers larger than this are not kept (the probe still passes). */
const maxDiscoveryBytes = 3 << 20;

/** The identity kube-aggregator uses for its own discovery checks. */
const AGGREGATOR_USER: UserInfo = { name: 'system:kube-aggregator', groups: ['system:masters'] };

/**
 * `GET path` on the backend as kube-aggregator's availability check does; resolves with the body
 * on a 2xx, rejects with `bad status from <url>: <code>` or `timed out waiting for <url>` otherwise.
 */
export function proxyGet(target: BackendTarget, tls: ClientCertificate, path: string, timeoutMs: number, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[] | undefined> = { accept: 'application/json' };
    setIdentityHeaders(headers, AGGREGATOR_USER);
    const req = request(requestOptions(target, tls, 'GET', path, headers));
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out waiting for ${url}`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxDiscoveryBytes) chunks.push(c);
      });
      answer.on('end', () => {
        clearTimeout(timer);
        const code = answer.statusCode ?? 0;
        if (code >= 200 && code < 300) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`bad status from ${url}: ${code}`));
      });
    });
    req.end();
  });
}
