/**
 * virt-api's HTTPS server: POST AdmissionReviews to the webhook paths, GET /healthz (alive) and
 * /readyz (cluster config listed), and (when configured) the subresources.kubevirt.io/v1 API. Every webhook request gets an AdmissionReview back with HTTP
 * 200, even when the body is not one; bodies over 3 MiB are refused.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseReview, requestError, reviewOf, type AdmissionReview } from './admission.js';
import { closeFastConnections, installFastPath } from './fast-path.js';
import { HANDLERS, type AdmissionDeps } from './handlers.js';
import { reviewAdmission } from './review.js';
import { isSubresourcePath, subresourceHandler, subresourceUpgradeHandler, type SubresourceDeps } from './subresources/index.js';
import { readBoundedBody } from './subresources/http-io.js';

const MAX_BODY = 3 * 1024 * 1024;
/** How long an idle client connection stays open (as the embedded API server's). */
export const KEEP_ALIVE_MS = 65_000;

export interface ServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
  readonly deps: AdmissionDeps;
  readonly ready?: () => boolean;
  readonly onError?: (err: unknown) => void;
  /** Serve the aggregated API subresources.kubevirt.io/v1 (paths under /apis, websockets). */
  readonly subresources?: SubresourceDeps;
}

/** Characters after which `new URL` would rewrite a path (dot segments, escapes, backslashes, `//host`). */
const NEEDS_URL_PARSING = /\/\.|[\\%"<>`{}]|^\/\/|[^\x21-\x7e]/;

/**
 * The pathname of a request target, as `new URL(target, base).pathname` gives it; plain paths (the
 * API server's webhook calls) are cut at `?`/`#` without building a URL.
 */
export function requestPath(target: string | undefined): string {
  const t = target ?? '/';
  const end = t.search(/[?#]/);
  const path = end < 0 ? t : t.slice(0, end);
  if (path.startsWith('/') && !NEEDS_URL_PARSING.test(path)) return path;
  return new URL(t, 'https://virt-api').pathname;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The AdmissionReview answered (with HTTP 200) to a webhook POST of `body` to `path`. */
async function answerWebhook(path: string, body: Buffer, contentTypeHeader: string, opts: ServerOptions): Promise<AdmissionReview> {
  const contentType = contentTypeHeader.split(';')[0]!.trim();
  let decoded: unknown;
  try {
    decoded = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return reviewOf(requestError('', `could not decode the admission review: ${e instanceof Error ? e.message : String(e)}`));
  }
  if (contentType !== 'application/json') {
    const parsed = parseReview(decoded);
    return reviewOf(requestError('request' in parsed ? parsed.request.uid : parsed.uid, `contentType=${contentType}, expect application/json`));
  }
  return reviewAdmission(path, decoded, opts.deps, opts.onError);
}

/** answerWebhook as JSON text; a failure outside the handlers (a bug) is logged and answered as a 400 review. */
function webhookText(path: string, body: Buffer, contentType: string, opts: ServerOptions): Promise<string> {
  return answerWebhook(path, body, contentType, opts).then(
    (review) => JSON.stringify(review),
    (err: unknown) => {
      opts.onError?.(err);
      return JSON.stringify(reviewOf(requestError('', 'virt-api failed to answer the admission request')));
    },
  );
}

async function serveWebhook(req: IncomingMessage, res: ServerResponse, path: string, opts: ServerOptions): Promise<void> {
  const body = await readBoundedBody(req, MAX_BODY);
  if (body === undefined) return send(res, 413, reviewOf(requestError('', `request body exceeds ${MAX_BODY} bytes`)));
  const text = await webhookText(path, body, req.headers['content-type'] ?? '', opts);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Creates (does not start) the HTTPS server. */
export function createVirtApiServer(opts: ServerOptions): https.Server {
  const sub = opts.subresources;
  // Client certificates are requested (the aggregator's, signed by the request-header CA) but not
  // required: the API server calls webhooks and the availability probe may come without one.
  const tls = sub ? { requestCert: true, rejectUnauthorized: false, ca: sub.requestHeader.caPem } : {};
  const subresources = sub ? subresourceHandler(sub) : undefined;
  const server = https.createServer({ cert: opts.certPem, key: opts.keyPem, ...tls }, (req, res) => {
    const path = requestPath(req.url);
    if (subresources && isSubresourcePath(path)) return subresources(req, res);
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok');
    if (req.method === 'GET' && path === '/readyz') return (opts.ready?.() ?? true) ? send(res, 200, 'ok') : send(res, 503, 'cluster configuration not synced');
    if (!HANDLERS[path]) return send(res, 404, `no handler for ${path}`);
    if (req.method !== 'POST') return send(res, 405, `${req.method ?? ''} is not allowed on ${path}`);
    serveWebhook(req, res, path, opts).catch((err: unknown) => {
      opts.onError?.(err);
      if (!res.headersSent) send(res, 200, reviewOf(requestError('', 'virt-api failed to answer the admission request')));
    });
  });
  if (sub) server.on('upgrade', subresourceUpgradeHandler(sub));
  // The API server's webhook calls skip Node's HTTP machinery (half the CPU per review); anything
  // else on a connection hands it to the handler above.
  installFastPath(server, {
    webhookPath: (target) => {
      const path = requestPath(target);
      return HANDLERS[path] && !(subresources && isSubresourcePath(path)) ? path : undefined;
    },
    serve: (r) => webhookText(r.path, r.body, r.contentType, opts),
    maxBody: MAX_BODY,
    keepAliveMs: KEEP_ALIVE_MS,
  });
  // Keep the API server's webhook connections between bursts of requests (Node's default is 5 s):
  // a new TLS connection costs far more than the review it carries.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

/** Listens on host:port (port 0 picks one); resolves with the bound port. */
export function listen(server: https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server and its open connections. */
export function close(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    closeFastConnections(server);
  });
}
