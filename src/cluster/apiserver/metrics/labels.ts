/**
 * The labels kube-apiserver puts on its request metrics, derived from a request as its
 * endpoints/metrics package does: verb (POST/PUT/LIST/WATCH/APPLY/CONNECT...), scope, dry_run.
 */
import type { RequestInfo } from '../http/request-info.js';

/** Labels of apiserver_request_total (with `code`) and apiserver_request_duration_seconds. */
export interface RequestLabels {
  readonly verb: string;
  readonly dry_run: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly scope: string;
  readonly component: string;
}

/** Label names in the order metrics are rendered (Prometheus sorts nothing; we keep it stable). */
export const requestLabelNames = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

/** Request verbs as the installer names them in metrics (create is POST, update is PUT). */
const resourceVerbs: Readonly<Record<string, string>> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETECOLLECTION',
};

/** Subresources kube-apiserver reports as CONNECT. */
const connectSubresources = new Set(['attach', 'exec', 'portforward', 'proxy']);

/** Verbs kube-apiserver reports; anything else is "other". */
const validVerbs = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST', 'HEAD', 'OPTIONS']);

const applyPatchType = 'application/apply-patch+yaml';

/** kube-apiserver's CleanScope: resource (named or create), namespace, cluster, or '' (non-resource). */
export function scopeOf(info: RequestInfo): string {
  if (!info.isResourceRequest) return '';
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  return 'cluster';
}

/** The reported verb of a request: POST/PUT for create/update, APPLY for apply patches, CONNECT for exec/attach/proxy. */
export function verbOf(method: string, info: RequestInfo, contentType: string | undefined): string {
  if (!info.isResourceRequest) {
    const m = method.toUpperCase();
    return validVerbs.has(m) ? m : 'other';
  }
  if (connectSubresources.has(info.subresource)) return 'CONNECT';
  const v = resourceVerbs[info.verb];
  if (v === 'PATCH' && (contentType ?? '').split(';')[0]?.trim().toLowerCase() === applyPatchType) return 'APPLY';
  return v ?? 'other';
}

/** All labels of one request (component "apiserver", or "aggregator" for proxied API groups). */
export function requestLabels(method: string, info: RequestInfo, contentType: string | undefined, dryRun: boolean, component = 'apiserver'): RequestLabels {
  return {
    verb: verbOf(method, info, contentType),
    dry_run: dryRun ? 'All' : '',
    group: info.isResourceRequest ? info.apiGroup : '',
    version: info.isResourceRequest ? info.apiVersion : '',
    resource: info.isResourceRequest ? info.resource : '',
    subresource: info.isResourceRequest ? info.subresource : '',
    scope: scopeOf(info),
    component,
  };
}
