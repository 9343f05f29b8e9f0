/**
 * The subresources.kubevirt.io/v1 request handler inside virt-api: discovery and health open to
 * all, everything else only for callers the API server vouches for (request-header client
 * certificate), then routed to the VM lifecycle, the VMI calls forwarded to the VMI's node's
 * virt-handler, or version. Upgrades (console, VNC, port-forward) are in streams.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError, methodNotAllowed, unauthorized } from '../../api/meta/index.js';
import type { KubeClient } from '../../client/kube-client.js';
import { authenticate, type Caller, type RequestHeaderConfig } from './authn.js';
import { apiGroup, apiGroupList, apiResourceList, rootPaths } from './discovery.js';
import { internal, vmiNotFound } from './errors.js';
import { answerError, type HandlerClient } from './handler-client.js';
import { decodeOptions, readBody, sendEmpty, sendError, sendJson, sendText } from './http-io.js';
import { parseRoute, type Route, type VMISubresource } from './routes.js';
import { checkHandlerReachable, checkVMI, resetFailure } from './vmi-checks.js';
import { expandSpec, expandVMSpec, fetchVM, fetchVMIOptional, vmLifecycle } from './vm-actions.js';

/** Answers a SubjectAccessReview-style question for the caller (virt-api double-checks RBAC as upstream). */
export type Authorizer = (caller: Caller, attrs: { namespace: string; resource: string; subresource: string; name: string; verb: string }) => Promise<{ allowed: boolean; reason?: string }>;

/** What the subresource server needs. */
export interface SubresourceDeps {
  readonly client: KubeClient;
  readonly handlers: HandlerClient;
  readonly requestHeader: RequestHeaderConfig;
  readonly authorize?: Authorizer;
  /** The server's version info (`GET .../version`). */
  readonly version: () => Record<string, unknown>;
  /** Health of the connection to the API server (`GET .../healthz`). */
  readonly healthy?: () => Promise<boolean>;
  readonly log?: (msg: string, err?: unknown) => void;
}

/** True for the paths this module serves (everything under /apis plus `/`). */
export function isSubresourcePath(pathname: string): boolean {
  return pathname === '/' || pathname === '/apis' || pathname.startsWith('/apis/');
}

/** The VMI (404 as upstream when missing). */
export async function fetchVMI(client: KubeClient, ns: string, name: string): Promise<VirtualMachineInstance> {
  const vmi = await fetchVMIOptional(client, ns, name);
  if (!vmi) throw vmiNotFound(name);
  return vmi;
}

/** Authenticates and authorises a routed object request; throws 401/403. */
export async function admit(deps: SubresourceDeps, req: IncomingMessage, route: Route & { kind: 'vm' | 'vmi' }): Promise<Caller> {
  const caller = authenticate(req, deps.requestHeader);
  if (!caller) throw unauthorized('request is not authenticated');
  if (deps.authorize) {
    const resource = route.kind === 'vm' ? 'virtualmachines' : 'virtualmachineinstances';
    const verb = req.method === 'PUT' ? 'update' : 'get';
    const d = await deps.authorize(caller, { namespace: route.namespace, resource, subresource: route.sub, name: route.name, verb });
    if (!d.allowed) {
      throw new StatusError(403, 'Forbidden', `User "${caller.name}" cannot ${verb} resource "${resource}/${route.sub}" in API group "subresources.kubevirt.io" in the namespace "${route.namespace}"${d.reason ? `: ${d.reason}` : ''}`);
    }
  }
  return caller;
}

async function vmiPut(deps: SubresourceDeps, req: IncomingMessage, res: ServerResponse, ns: string, name: string, sub: VMISubresource): Promise<void> {
  const body = await readBody(req);
  const opts = decodeOptions(body);
  const vmi = await fetchVMI(deps.client, ns, name);
  checkVMI(vmi, sub);
  const dryRun = Array.isArray(opts.dryRun) && opts.dryRun[0] === 'All';
  try {
    checkHandlerReachable(vmi);
    if (dryRun) return sendEmpty(res, 200);
    const answer = await deps.handlers.request(vmi, 'PUT', sub, body.length > 0 ? body : undefined);
    if (answer.code >= 300) throw internal(answerError(answer));
  } catch (e) {
    throw sub === 'reset' && e instanceof StatusError ? resetFailure(vmi, e) : e;
  }
  sendEmpty(res, 200);
}

/** Guest-agent GETs: errors as plain text with 500, as upstream's httpGetRequestHandler writes them. */
async function vmiGet(deps: SubresourceDeps, res: ServerResponse, ns: string, name: string, sub: VMISubresource): Promise<void> {
  let answer;
  try {
    const vmi = await fetchVMI(deps.client, ns, name);
    checkVMI(vmi, sub);
    checkHandlerReachable(vmi);
    answer = await deps.handlers.request(vmi, 'GET', sub);
    if (answer.code >= 300) throw answerError(answer);
  } catch (e) {
    return sendText(res, 500, e instanceof Error ? e.message : String(e));
  }
  res.writeHead(200, { 'Content-Type': answer.contentType || 'application/json', 'Content-Length': answer.body.length });
  res.end(answer.body);
}

async function screenshot(deps: SubresourceDeps, res: ServerResponse, ns: string, name: string): Promise<void> {
  const vmi = await fetchVMI(deps.client, ns, name);
  checkVMI(vmi, 'vnc/screenshot');
  checkHandlerReachable(vmi);
  const answer = await deps.handlers.request(vmi, 'GET', 'vnc/screenshot');
  if (answer.code >= 300) throw internal(answerError(answer));
  res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': answer.body.length });
  res.end(answer.body);
}

async function serveObject(deps: SubresourceDeps, req: IncomingMessage, res: ServerResponse, route: Route & { kind: 'vm' | 'vmi' }): Promise<void> {
  await admit(deps, req, route);
  const { namespace: ns, name } = route;
  if (route.kind === 'vm') {
    if (route.sub === 'expand-spec') return sendJson(res, 200, expandSpec(await fetchVM(deps.client, ns, name)));
    if (route.sub === 'portforward') throw methodNotAllowed('portforward needs a websocket upgrade');
    await vmLifecycle(deps.client, route.sub, ns, name, decodeOptions(await readBody(req)));
    return sendEmpty(res, 202);
  }
  switch (route.sub) {
    case 'pause':
    case 'unpause':
    case 'softreboot':
    case 'reset':
      return vmiPut(deps, req, res, ns, name, route.sub);
    case 'guestosinfo':
    case 'userlist':
    case 'filesystemlist':
      return vmiGet(deps, res, ns, name, route.sub);
    case 'vnc/screenshot':
      return screenshot(deps, res, ns, name);
    case 'console':
    case 'vnc':
    case 'portforward':
      // reached only without an Upgrade header
      throw new StatusError(400, 'BadRequest', `${route.sub} needs a websocket upgrade (subprotocol plain.kubevirt.io)`);
  }
}

async function serve(deps: SubresourceDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://virt-api');
  const route = parseRoute(req.method ?? 'GET', url.pathname);
  switch (route.kind) {
    case 'root':
      return sendJson(res, 200, rootPaths());
    case 'apis':
      return sendJson(res, 200, apiGroupList());
    case 'group':
      return sendJson(res, 200, apiGroup());
    case 'resources':
      return sendJson(res, 200, apiResourceList());
    case 'healthz': {
      const ok = (await deps.healthy?.().catch(() => false)) ?? true;
      return ok ? sendText(res, 200, 'ok') : sendText(res, 500, 'apiserver not reachable');
    }
    case 'version':
      if (!authenticate(req, deps.requestHeader)) throw unauthorized('request is not authenticated');
      return sendJson(res, 200, deps.version());
    case 'expand-vm-spec': {
      const caller = authenticate(req, deps.requestHeader);
      if (!caller) throw unauthorized('request is not authenticated');
      return sendJson(res, 200, expandVMSpec(route.namespace, decodeOptions(await readBody(req))));
    }
    case 'method-not-allowed':
      throw methodNotAllowed(`${req.method ?? ''} is not allowed on ${url.pathname}; use ${route.allowed}`);
    case 'not-found':
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    case 'vm':
    case 'vmi':
      return serveObject(deps, req, res, route);
  }
}

/** The request listener for subresource paths; every failure leaves as a metav1.Status. */
export function subresourceHandler(deps: SubresourceDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(deps, req, res).catch((err: unknown) => {
      if (!(err instanceof StatusError) || err.code >= 500) deps.log?.(`${req.method ?? ''} ${req.url ?? ''} failed`, err);
      sendError(res, err);
    });
  };
}
