/**
 * Parses a request path and method into Kubernetes request attributes (the RequestInfo of
 * k8s.io/apiserver): API group/version, namespace, resource, name, subresource and verb.
 */

/** Attributes of one request, as RBAC and the router see them. */
export interface RequestInfo {
  readonly isResourceRequest: boolean;
  readonly path: string;
  /** Resource verbs (get list watch create update patch delete deletecollection) or lower-case HTTP method. */
  readonly verb: string;
  readonly apiPrefix?: 'api' | 'apis';
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  /** Path segments after the subresource (e.g. a proxy path). */
  readonly rest: readonly string[];
}

const isWatchParam = (v: string | null): boolean => v === 'true' || v === '1';

/** The part of a URL parseRequestInfo reads (URL or http/request-url.ts's RequestUrl). */
export type RequestTarget = Pick<URL, 'pathname' | 'search' | 'searchParams'>;

/** Path segments, percent-decoded (decoding only when there is something to decode). */
function segments(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  return path.includes('%') ? parts.map(decodeURIComponent) : parts;
}

/** Derives RequestInfo from the HTTP method and URL (path + query). */
export function parseRequestInfo(method: string, url: RequestTarget): RequestInfo {
  const path = url.pathname;
  const nonResourceOf = (apiPrefix?: 'api' | 'apis'): RequestInfo => ({
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    ...(apiPrefix ? { apiPrefix } : {}),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
  });
  const parts = segments(path);
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return nonResourceOf();
  let i = 1;
  let apiGroup = '';
  if (prefix === 'apis') {
    if (parts.length < 4) return nonResourceOf(prefix);
    apiGroup = parts[i++] ?? '';
  } else if (parts.length < 3) {
    return nonResourceOf(prefix);
  }
  const apiVersion = parts[i++] ?? '';
  let rest = parts.slice(i);
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1] ?? '';
    // /namespaces/{name} and /namespaces/{name}/{subresource} address the namespace itself.
    if (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      rest = ['namespaces', namespace, ...rest.slice(2)];
    } else {
      rest = rest.slice(2);
    }
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (resource === 'namespaces' && name) namespace = name;
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name ? 'get' : 'list';
      if (watchPrefix || (url.search !== '' && isWatchParam(url.searchParams.get('watch')))) verb = 'watch';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    isResourceRequest: resource !== '',
    path,
    verb,
    apiPrefix: prefix,
    apiGroup,
    apiVersion,
    namespace: resource === 'namespaces' && !name ? '' : namespace,
    resource,
    subresource,
    name,
    rest: rest.slice(3),
  };
}
