/**
 * Serves resource requests (get, list, watch, create, update, patch, delete, deletecollection,
 * and the status and scale subresources) for any registered resource through the generic REST layer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, badRequest, methodNotAllowed, unsupportedMediaType, type KubeObject } from '../../../api/meta/index.js';
import type { PatchType, Verb } from '../contracts.js';
import type { ServedResource } from '../registry/registry.js';
import { storageGr, type Caller, type RestDeps } from '../rest/context.js';
import { deleteCollection, deleteObject, deletedStatus, type DeleteOptions } from '../rest/delete.js';
import { getObject, listObjects, parseSelection, type ListQuery } from '../rest/read.js';
import { defaultPrinter, toTable, type IncludeObject } from '../rest/table.js';
import { getScale, hasScale, patchScale, updateScale } from '../rest/scale.js';
import { createObject, patchObject, updateObject } from '../rest/write.js';
import type { WatchHub } from '../watch/hub.js';
import { startWatch, type WatchEventType } from '../watch/watch.js';
import { decodeBody, decodeObject, readBody } from './body.js';
import { WatchBatch } from './watch-batch.js';
import { eventBytes } from './watch-lines.js';
import type { RequestInfo } from './request-info.js';
import type { RequestUrl } from './request-url.js';
import { wantsPartialMetadata, wantsTable, writeJson, writeJsonText } from './respond.js';
import { mayAskConversion, servedJson } from './served-json.js';

/** What serving resources needs beyond the REST layer. */
export interface ResourceHandlerDeps extends RestDeps {
  readonly hub: WatchHub;
}

/** Everything about one resource request that the verbs need. */
export interface ResourceRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: RequestUrl;
  readonly info: RequestInfo;
  readonly resource: ServedResource;
  readonly caller: Caller;
}

const q = (url: RequestUrl, k: string): string | undefined => url.searchParams.get(k) ?? undefined;

function listQuery(url: RequestUrl): ListQuery {
  return {
    labelSelector: q(url, 'labelSelector'),
    fieldSelector: q(url, 'fieldSelector'),
    limit: q(url, 'limit'),
    continue: q(url, 'continue'),
    resourceVersion: q(url, 'resourceVersion'),
    resourceVersionMatch: q(url, 'resourceVersionMatch'),
  };
}

function includeObject(url: RequestUrl): IncludeObject {
  const v = q(url, 'includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function printerOf(deps: RestDeps, r: ServedResource) {
  return r.hooks.printer ?? defaultPrinter(deps.now);
}

/** Renders an object or list for the client's Accept header (Table, metadata-only or as is). */
function render(deps: RestDeps, rr: ResourceRequest, body: KubeObject | { metadata: object; items: KubeObject[] }): unknown {
  const accept = rr.req.headers.accept;
  const isList = 'items' in body && Array.isArray(body.items);
  if (wantsTable(accept)) {
    const objs = isList ? (body as { items: KubeObject[] }).items : [body as KubeObject];
    const meta = isList ? (body.metadata as object) : { resourceVersion: (body as KubeObject).metadata?.resourceVersion };
    return toTable(printerOf(deps, rr.resource), objs, meta, includeObject(rr.url));
  }
  if (wantsPartialMetadata(accept)) {
    const pom = (o: KubeObject) => ({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: o.metadata });
    if (isList) return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata: body.metadata, items: (body as { items: KubeObject[] }).items.map(pom) };
    return pom(body);
  }
  return body;
}

function deleteOptions(url: RequestUrl, body: unknown): DeleteOptions {
  const b = (body ?? {}) as DeleteOptions & { dryRun?: string[] };
  const grace = q(url, 'gracePeriodSeconds');
  const orphan = q(url, 'orphanDependents');
  return {
    gracePeriodSeconds: grace !== undefined ? Number(grace) : b.gracePeriodSeconds,
    propagationPolicy: q(url, 'propagationPolicy') ?? b.propagationPolicy,
    orphanDependents: orphan !== undefined ? orphan === 'true' : b.orphanDependents,
    preconditions: b.preconditions,
  };
}

async function optionalBody(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  return decodeBody(buf, req.headers['content-type']);
}

function requireVerb(r: ServedResource, verb: Verb): void {
  if (!r.info.verbs.includes(verb)) {
    throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

/** Streams a watch as newline-delimited JSON events until the client goes away or the timeout. */
function serveWatch(deps: ResourceHandlerDeps, rr: ResourceRequest): void {
  const { url, res, req } = rr;
  const r = rr.resource;
  let selection = parseSelection(deps, r, { labelSelector: q(url, 'labelSelector'), fieldSelector: q(url, 'fieldSelector') });
  if (rr.info.name) {
    const byName = deps.modules.selectors?.parseFieldSelector(`metadata.name=${rr.info.name}`);
    if (byName) selection = { ...selection, fields: byName };
  }
  const table = wantsTable(req.headers.accept);
  const printer = printerOf(deps, r);
  let first = true;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  // Events of one loop turn go out in one write per connection (watch-batch.ts).
  const batch = new WatchBatch(res);
  const sink = (type: WatchEventType, object: unknown): void => {
    let obj = object;
    if (table && type !== 'BOOKMARK' && type !== 'ERROR') {
      obj = toTable(printer, [object as KubeObject], {}, includeObject(url), first);
      first = false;
    }
    batch.push(obj === object ? eventBytes(type, obj) : Buffer.from(`${JSON.stringify({ type, object: obj })}\n`));
  };
  let stop: () => void = () => undefined;
  try {
    stop = startWatch(deps, deps.hub, {
      resource: r,
      namespace: rr.info.namespace,
      selection,
      resourceVersion: q(url, 'resourceVersion'),
      allowBookmarks: q(url, 'allowWatchBookmarks') === 'true',
      sendInitialEvents: q(url, 'sendInitialEvents') === 'true',
    }, sink);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    batch.flush();
    res.end(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
    return;
  }
  const timeout = Number(q(url, 'timeoutSeconds') ?? 1800);
  const done = (): void => {
    clearTimeout(timer);
    stop();
    batch.discard();
  };
  // At the timeout: what is queued goes out, then nothing more is queued or written (no write after end).
  const timer = setTimeout(() => {
    batch.flush();
    done();
    res.end();
  }, (Number.isFinite(timeout) && timeout > 0 ? timeout : 1800) * 1000);
  res.on('close', done);
  req.on('close', done);
}

/** Handles one resource request after authentication and authorisation. */
export async function serveResource(deps: ResourceHandlerDeps, rr: ResourceRequest): Promise<void> {
  const { info, url, req, res } = rr;
  const r = rr.resource;
  const ns = r.info.namespaced ? info.namespace : '';
  const sub = info.subresource;
  if (sub === 'scale' && hasScale(r) && (!r.info.namespaced || ns)) {
    await serveScale(deps, rr, ns);
    return;
  }
  if (sub && sub !== 'status') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  if (sub === 'status' && !r.info.subresources.includes('status')) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  if (r.info.namespaced && !ns && info.verb !== 'list' && info.verb !== 'watch' && info.verb !== 'deletecollection') {
    if (info.verb === 'create') throw badRequest('the server could not find the requested resource: namespace is required');
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const dryRunParam = url.searchParams.getAll('dryRun');
  if (dryRunParam.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: "${dryRunParam.join(',')}": supported values: "All"`);
  switch (info.verb) {
    case 'get': {
      requireVerb(r, 'get');
      // The stored text goes out as is when it is the served object (served-json.ts).
      const json = mayAskConversion(req.headers.accept) ? undefined : servedJson(r, deps.store.storedJson(storageGr(r), ns, info.name));
      if (json !== undefined) writeJsonText(res, 200, json);
      else writeJson(res, 200, render(deps, rr, getObject(deps, r, ns, info.name)));
      return;
    }
    case 'list':
      requireVerb(r, 'list');
      writeJson(res, 200, render(deps, rr, listObjects(deps, r, ns, listQuery(url))));
      return;
    case 'watch':
      requireVerb(r, 'watch');
      serveWatch(deps, rr);
      return;
    case 'create': {
      requireVerb(r, 'create');
      const body = decodeObject(await readBody(req), req.headers['content-type']);
      writeJson(res, 201, await createObject(deps, r, ns, body, rr.caller, { bodyOwned: true }));
      return;
    }
    case 'update': {
      requireVerb(r, 'update');
      const body = decodeObject(await readBody(req), req.headers['content-type']);
      writeJson(res, 200, await updateObject(deps, r, ns, info.name, body, rr.caller, { subresource: sub || undefined, bodyOwned: true }));
      return;
    }
    case 'patch':
      await servePatch(deps, rr, ns);
      return;
    case 'delete': {
      requireVerb(r, 'delete');
      const opts = deleteOptions(url, await optionalBody(req));
      const out = await deleteObject(deps, r, ns, info.name, opts, rr.caller);
      if (!out.deleted) writeJson(res, 202, out.object);
      else writeJson(res, 200, r.crd || r.info.plural === 'pods' ? out.object : deletedStatus(r, out.object));
      return;
    }
    case 'deletecollection': {
      requireVerb(r, 'deletecollection');
      const opts = deleteOptions(url, await optionalBody(req));
      writeJson(res, 200, await deleteCollection(deps, r, ns, listQuery(url), opts, rr.caller));
      return;
    }
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

/** GET, PUT and PATCH of the scale subresource. */
async function serveScale(deps: ResourceHandlerDeps, rr: ResourceRequest, ns: string): Promise<void> {
  const { info, req, res } = rr;
  const r = rr.resource;
  switch (info.verb) {
    case 'get':
      writeJson(res, 200, getScale(deps, r, ns, info.name));
      return;
    case 'update':
      writeJson(res, 200, await updateScale(deps, r, ns, info.name, decodeObject(await readBody(req), req.headers['content-type']), rr.caller));
      return;
    case 'patch': {
      const type = patchTypeOf(deps, req.headers['content-type'] ?? '');
      writeJson(res, 200, await patchScale(deps, r, ns, info.name, type, decodeBody(await readBody(req), req.headers['content-type']), rr.caller));
      return;
    }
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

function patchTypeOf(deps: RestDeps, ct: string): PatchType {
  const type = deps.modules.patches?.patchTypeOf(ct);
  if (!type) {
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  return type;
}

async function servePatch(deps: ResourceHandlerDeps, rr: ResourceRequest, ns: string): Promise<void> {
  const { req, res, url, info } = rr;
  const r = rr.resource;
  requireVerb(r, 'patch');
  const ct = req.headers['content-type'] ?? '';
  const type = patchTypeOf(deps, ct);
  if (type === 'apply' && !url.searchParams.get('fieldManager')) throw badRequest('PATCH /apis: fieldManager is required for apply requests');
  const patch = decodeBody(await readBody(req), ct);
  const existed = type === 'apply' ? deps.store.get(storageGr(r), ns, info.name) !== undefined : true;
  const out = await patchObject(deps, r, ns, info.name, type, patch, rr.caller, { subresource: info.subresource || undefined, force: url.searchParams.get('force') === 'true' });
  writeJson(res, existed ? 200 : 201, out);
}
