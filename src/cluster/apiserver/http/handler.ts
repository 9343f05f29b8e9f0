/**
 * The request pipeline: authenticate, authorise, then route to health, discovery, OpenAPI or a
 * resource. Every failure leaves through writeError as a metav1.Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { StatusError, unauthorized, type KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from '../discovery/discovery.js';
import { aggregatedContentType, aggregatedDiscovery, wantsAggregated } from '../discovery/aggregated.js';
import type { OpenApi } from '../discovery/openapi.js';
import type { AggregationWiring } from '../aggregator-wiring.js';
import type { ServedResource } from '../registry/registry.js';
import type { Caller } from '../rest/context.js';
import { anonymousAllowed, anonymousUser, asksImpersonation, authenticate } from './authn.js';
import { attributesOf, authorize, forbiddenFor, type StoreRbacSource } from './authz.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { requestUrl, type RequestUrl } from './request-url.js';
import { serveResource, type ResourceHandlerDeps } from './resources.js';
import { writeError, writeJson } from './respond.js';
import { readBody, decodeObject } from './body.js';
import { bindPod, evictPod } from '../rest/pod-subresources.js';
import type { PodProxy } from '../modules/podproxy/index.js';
import { writeStatusToSocket } from '../aggregator/proxy.js';
import { impersonate } from '../authn/impersonation.js';
import { requestLabels, type RequestMetrics } from '../metrics/index.js';
import { servedStatusError } from '../events/served-errors.js';
import { awaitTurn, type FlowControl } from '../flowcontrol/index.js';

/** Handles create-only kinds (TokenReview, SubjectAccessReview, serviceaccounts/token, ...). */
export type VirtualHandler = (call: {
  resource: ServedResource;
  info: RequestInfo;
  body: KubeObject;
  user: UserInfo;
}) => Promise<KubeObject | undefined>;

/** Dependencies of the pipeline. */
export interface HandlerDeps extends ResourceHandlerDeps {
  readonly rbacSource: StoreRbacSource;
  readonly openapi: OpenApi;
  readonly serverAddress: () => string;
  readonly ready: () => boolean;
  readonly virtual?: VirtualHandler;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** API aggregation: requests for aggregated group-versions go to their backends. */
  readonly aggregation?: AggregationWiring;
  /** pods/log and pods/exec, proxied to the pod's node agent. */
  readonly podProxy?: PodProxy;
  /** Request counters and latencies, served on /metrics. */
  readonly metrics?: RequestMetrics;
  /** Priority and fairness: the order in which non-exempt requests start (none: in arrival order). */
  readonly flowControl?: FlowControl;
}

/** What the pipeline learnt about a request, for its metrics. */
interface Seen {
  url?: RequestUrl;
  info?: RequestInfo;
  component?: string;
}

const notFoundStatus = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

function fieldManagerOf(req: IncomingMessage, url: RequestUrl): string {
  const fm = url.searchParams.get('fieldManager');
  if (fm) return fm;
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] || 'unknown';
}

function serveHealth(res: ServerResponse, ok: boolean): void {
  const body = ok ? 'ok' : '[-]poststarthook/bootstrap failed: not finished\nreadyz check failed';
  res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function serveNonResource(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, url: RequestUrl): void {
  const p = url.pathname.replace(/\/+$/, '') || '/';
  if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(p)) {
    serveHealth(res, !p.startsWith('/readyz') || deps.ready());
    return;
  }
  const parts = p.split('/').filter(Boolean);
  const aggregated = p === '/api' || p === '/apis' ? wantsAggregated(req.headers.accept) : undefined;
  if (aggregated && (p === '/api' || p === '/apis')) {
    const data = JSON.stringify(aggregatedDiscovery(deps.registry, p, aggregated, deps.aggregation?.remoteGroups()));
    res.writeHead(200, { 'Content-Type': aggregatedContentType(aggregated), 'Content-Length': Buffer.byteLength(data), Vary: 'Accept', 'Cache-Control': 'no-cache, private' });
    res.end(data);
    return;
  }
  if (p === '/metrics' && deps.metrics) {
    const text = deps.metrics.render() + (deps.flowControl?.metrics.render() ?? '');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  let body: unknown;
  if (p === '/version') body = versionInfo();
  else if (p === '/api') body = apiVersions(deps.serverAddress());
  else if (p === '/apis') {
    const list = apiGroupList(deps.registry);
    const extra = deps.aggregation?.groups() ?? [];
    const local = new Set(list.groups.map((g) => g.name));
    body = { ...list, groups: [...list.groups, ...extra.filter((g) => !local.has(String(g.name)))] };
  } else if (parts[0] === 'apis' && parts.length === 2 && !apiGroup(deps.registry, parts[1] ?? '')) {
    body = deps.aggregation?.groups().find((g) => g.name === parts[1]);
    if (body) body = { kind: 'APIGroup', apiVersion: 'v1', ...(body) };
  }
  else if (parts[0] === 'api' && parts.length === 2) body = apiResourceList(deps.registry, '', parts[1] ?? '');
  else if (parts[0] === 'apis' && parts.length === 2) body = apiGroup(deps.registry, parts[1] ?? '');
  else if (parts[0] === 'apis' && parts.length === 3) body = apiResourceList(deps.registry, parts[1] ?? '', parts[2] ?? '');
  else if (p === '/openapi/v2') {
    const v2 = deps.modules.openapiV2;
    const doc = deps.openapi.swagger();
    if (v2 && (req.headers.accept ?? '').includes(v2.protobufAccept)) {
      const data = v2.toProtobuf(doc);
      res.writeHead(200, { 'Content-Type': v2.protobufContentType, 'Content-Length': data.length });
      res.end(data);
      return;
    }
    body = doc;
  }
  else if (p === '/openapi/v3') body = deps.openapi.index();
  else if (p.startsWith('/openapi/v3/')) body = deps.openapi.groupVersion(p.slice('/openapi/v3/'.length));
  if (body === undefined) throw notFoundStatus();
  writeJson(res, 200, body);
}

async function serveVirtual(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, info: RequestInfo, r: ServedResource, user: UserInfo): Promise<boolean> {
  if (!deps.virtual) return false;
  const body = decodeObject(await readBody(req), req.headers['content-type']) as KubeObject;
  const out = await deps.virtual({ resource: r, info, body, user });
  if (!out) throw notFoundStatus();
  writeJson(res, 201, out);
  return true;
}

/** The caller's identity: authenticated, then replaced by the Impersonate-* headers' user when allowed. */
async function identify(deps: HandlerDeps, req: IncomingMessage): Promise<UserInfo | undefined> {
  const user = await authenticate(req, deps.modules.tokens);
  if (!user || !asksImpersonation(req.rawHeaders)) return user;
  return impersonate(req.headersDistinct, user, (a) => authorize(a, deps.modules.rbac, deps.rbacSource), forbiddenFor);
}

/** One request, end to end. */
async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, seen: Seen): Promise<void> {
  const url = requestUrl(req.url ?? '/');
  const info = parseRequestInfo(req.method ?? 'GET', url);
  seen.url = url;
  seen.info = info;
  const open = anonymousAllowed(url.pathname);
  const user = (await identify(deps, req)) ?? (open ? anonymousUser : undefined);
  if (!user) throw unauthorized();
  if (!open) {
    const attrs = attributesOf(info, user);
    const d = authorize(attrs, deps.modules.rbac, deps.rbacSource);
    if (!d.allowed) throw forbiddenFor(attrs, d.reason);
  }
  const turn = deps.flowControl && awaitTurn(deps.flowControl, info, user, res);
  if (turn) await turn;
  // Only /apis/{group}/{version}/... paths can belong to an aggregated API.
  if (info.apiPrefix === 'apis' && deps.aggregation?.aggregator.match(url.pathname)) {
    seen.component = 'aggregator';
    await deps.aggregation.aggregator.proxy(req, res, user);
    return;
  }
  if (!info.isResourceRequest) {
    serveNonResource(deps, req, res, url);
    return;
  }
  const r = deps.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
  if (!r) throw notFoundStatus();
  if (deps.podProxy?.handles(info)) {
    await deps.podProxy.serve(req, res, info, user);
    return;
  }
  const caller: Caller = { user, dryRun: url.searchParams.getAll('dryRun').includes('All'), fieldManager: fieldManagerOf(req, url) };
  const isCreateSub = info.verb === 'create' && info.subresource !== '' && info.subresource !== 'status';
  if (isCreateSub && r.info.group === '' && r.info.plural === 'pods' && (info.subresource === 'binding' || info.subresource === 'eviction')) {
    const body = decodeObject(await readBody(req), req.headers['content-type']) as KubeObject;
    const out = info.subresource === 'binding' ? bindPod(deps, r, info.namespace, info.name, body) : await evictPod(deps, r, info.namespace, info.name, body, caller);
    writeJson(res, 201, out);
    return;
  }
  if ((r.info.virtual || isCreateSub) && info.verb === 'create') {
    if (await serveVirtual(deps, req, res, info, r, user)) return;
  }
  // Storage errors of a resource kept in another's storage name the served resource (events.k8s.io).
  await serveResource(deps, { req, res, url, info, resource: r, caller }).catch((err: unknown) => {
    throw servedStatusError(r, err);
  });
}

/** Handles HTTP upgrades (websockets): authenticated, authorised, then proxied to an aggregated backend. */
export function createUpgradeHandler(deps: HandlerDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    void (async () => {
      const url = requestUrl(req.url ?? '/');
      const user = await identify(deps, req);
      const info = parseRequestInfo(req.method ?? 'GET', url);
      if (user && deps.podProxy?.handles(info)) {
        // A websocket GET on pods/exec needs `create`, as a POST would (kube-apiserver 1.31+).
        const attrs = { ...attributesOf(info, user), verb: 'create' };
        const d = authorize(attrs, deps.modules.rbac, deps.rbacSource);
        if (!d.allowed) return writeStatusToSocket(socket, forbiddenFor(attrs, d.reason) as StatusError);
        return deps.podProxy.upgrade(req, socket, head, info, user);
      }
      const target = deps.aggregation?.aggregator.match(url.pathname);
      if (!user || !target) throw new Error('not upgradable');
      const attrs = attributesOf(parseRequestInfo(req.method ?? 'GET', url), user);
      if (!authorize(attrs, deps.modules.rbac, deps.rbacSource).allowed) throw new Error('forbidden');
      await deps.aggregation!.aggregator.proxyUpgrade(req, socket, head, user);
    })().catch(() => {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    });
  };
}

/** Counts a request once its response is complete (streams such as watches: when they close). */
function observe(metrics: RequestMetrics, req: IncomingMessage, res: ServerResponse, seen: Seen, started: number): void {
  const { info, url } = seen;
  if (!info) return;
  const record = (): void => {
    const dryRun = url !== undefined && url.search.includes('dryRun') && url.searchParams.getAll('dryRun').includes('All');
    const labels = requestLabels(req.method ?? 'GET', info, req.headers['content-type'], dryRun, seen.component);
    metrics.observe(labels, res.statusCode, (performance.now() - started) / 1000);
  };
  if (res.writableEnded || res.destroyed) record();
  else res.once('close', record);
}

/** The node request listener for the API server. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const seen: Seen = {};
    handle(deps, req, res, seen).then(
      () => {
        deps.log?.('request', { method: req.method, url: req.url, code: res.statusCode, ms: Math.round(performance.now() - started) });
        if (deps.metrics) observe(deps.metrics, req, res, seen, started);
      },
      (err: unknown) => {
        const se = writeError(res, err);
        if (se.code >= 500) deps.log?.('request failed', { method: req.method, url: req.url, code: se.code, err: String((err as Error)?.stack ?? err) });
        if (deps.metrics) observe(deps.metrics, req, res, seen, started);
      },
    );
  };
}
