/**
 * The URL contract of subresources.kubevirt.io/v1 as upstream's virt-api serves it: which request
 * paths exist, with which HTTP verb, and what they address. Pure: one parse per request.
 */
import { SUBRESOURCES_GROUP } from '../../api/kubevirt/constants.js';

/** The one served group-version. */
export const GROUP_VERSION = `${SUBRESOURCES_GROUP}/v1`;
/** `/apis/subresources.kubevirt.io/v1`. */
export const BASE_PATH = `/apis/${GROUP_VERSION}`;

/** Subresources of a VirtualMachineInstance and the HTTP verb each takes. */
export const VMI_SUBRESOURCES = {
  console: 'GET', vnc: 'GET', 'vnc/screenshot': 'GET', portforward: 'GET',
  pause: 'PUT', unpause: 'PUT', softreboot: 'PUT', reset: 'PUT',
  guestosinfo: 'GET', userlist: 'GET', filesystemlist: 'GET',
} as const;
/** Subresources of a VirtualMachine and the HTTP verb each takes. */
export const VM_SUBRESOURCES = { start: 'PUT', stop: 'PUT', restart: 'PUT', 'expand-spec': 'GET', portforward: 'GET' } as const;

export type VMISubresource = keyof typeof VMI_SUBRESOURCES;
export type VMSubresource = keyof typeof VM_SUBRESOURCES;

/** What a request path addresses. */
export type Route =
  | { readonly kind: 'root' }
  | { readonly kind: 'apis' }
  | { readonly kind: 'group' }
  | { readonly kind: 'resources' }
  | { readonly kind: 'healthz' }
  | { readonly kind: 'version' }
  | { readonly kind: 'vmi'; readonly namespace: string; readonly name: string; readonly sub: VMISubresource; readonly port?: number; readonly protocol?: string }
  | { readonly kind: 'vm'; readonly namespace: string; readonly name: string; readonly sub: VMSubresource; readonly port?: number; readonly protocol?: string }
  | { readonly kind: 'expand-vm-spec'; readonly namespace: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allowed: string };

const has = <T extends object>(o: T, k: string): k is Extract<keyof T, string> => Object.prototype.hasOwnProperty.call(o, k);

function portForward(rest: readonly string[]): { port: number; protocol?: string } | undefined {
  if (rest.length < 1 || rest.length > 2) return undefined;
  const port = Number(rest[0]);
  if (!/^\d+$/.test(rest[0] ?? '') || port < 1 || port > 65535) return undefined;
  return rest[1] === undefined ? { port } : { port, protocol: rest[1] };
}

function objectRoute(method: string, parts: readonly string[]): Route {
  const [ns, resource, name, ...subParts] = parts;
  if (!ns || !name || subParts.length === 0) return { kind: 'not-found' };
  const table = resource === 'virtualmachineinstances' ? VMI_SUBRESOURCES : resource === 'virtualmachines' ? VM_SUBRESOURCES : undefined;
  if (!table) return { kind: 'not-found' };
  let sub = subParts.join('/');
  let pf: { port: number; protocol?: string } | undefined;
  if (subParts[0] === 'portforward') {
    pf = portForward(subParts.slice(1));
    if (!pf) return { kind: 'not-found' };
    sub = 'portforward';
  }
  if (!has(table, sub)) return { kind: 'not-found' };
  const verb = (table as Record<string, string>)[sub] ?? 'GET';
  if (method !== verb) return { kind: 'method-not-allowed', allowed: verb };
  const base = { namespace: ns, name, ...(pf ? { port: pf.port, ...(pf.protocol ? { protocol: pf.protocol } : {}) } : {}) };
  return resource === 'virtualmachineinstances' ? { kind: 'vmi', ...base, sub: sub as VMISubresource } : { kind: 'vm', ...base, sub: sub as VMSubresource };
}

/** Parses a request path (without query) and method into a Route. */
export function parseRoute(method: string, pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { kind: 'root' };
  if (path === '/apis') return { kind: 'apis' };
  if (path === '/healthz') return { kind: 'healthz' };
  if (path === `/apis/${SUBRESOURCES_GROUP}`) return { kind: 'group' };
  if (path === BASE_PATH) return { kind: 'resources' };
  if (!path.startsWith(`${BASE_PATH}/`)) return { kind: 'not-found' };
  let parts: string[];
  try {
    parts = path.slice(BASE_PATH.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return { kind: 'not-found' };
  }
  if (parts.length === 1 && parts[0] === 'version') return method === 'GET' ? { kind: 'version' } : { kind: 'method-not-allowed', allowed: 'GET' };
  if (parts.length === 1 && parts[0] === 'healthz') return method === 'GET' ? { kind: 'healthz' } : { kind: 'method-not-allowed', allowed: 'GET' };
  if (parts[0] !== 'namespaces') return { kind: 'not-found' };
  if (parts.length === 3 && parts[2] === 'expand-vm-spec' && parts[1]) {
    return method === 'PUT' ? { kind: 'expand-vm-spec', namespace: parts[1] } : { kind: 'method-not-allowed', allowed: 'PUT' };
  }
  return objectRoute(method, parts.slice(1));
}
