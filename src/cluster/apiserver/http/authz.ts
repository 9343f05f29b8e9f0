/**
 * Authorisation: system:masters may do anything; everyone else is judged by the RBAC module over
 * an in-memory copy of the RBAC objects that follows the store's events.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import { forbiddenError } from '../../../api/meta/index.js';
import type { Decision, RbacModule, RbacSource, RequestAttributes } from '../contracts.js';
import type { Store } from '../store/store.js';
import type { RequestInfo } from './request-info.js';

const RBAC = 'rbac.authorization.k8s.io';
type RbacKind = 'clusterroles' | 'clusterrolebindings' | 'roles' | 'rolebindings';

/** RbacSource backed by the store, cached per kind and refreshed lazily after writes. */
export class StoreRbacSource implements RbacSource {
  private readonly cache = new Map<RbacKind, KubeObject[]>();
  private readonly byNs = new Map<string, KubeObject[]>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    this.unsubscribe = store.subscribe((ev) => {
      if (!ev.resource.startsWith(`${RBAC}/`)) return;
      const k = ev.resource.slice(RBAC.length + 1) as RbacKind;
      this.cache.delete(k);
      if (k === 'roles' || k === 'rolebindings') {
        for (const key of [...this.byNs.keys()]) if (key.startsWith(`${k}/`)) this.byNs.delete(key);
      }
    });
  }

  private all(k: RbacKind): KubeObject[] {
    let v = this.cache.get(k);
    if (!v) this.cache.set(k, (v = this.store.list({ group: RBAC, resource: k }).items));
    return v;
  }

  private inNs(k: 'roles' | 'rolebindings', ns: string): KubeObject[] {
    const key = `${k}/${ns}`;
    let v = this.byNs.get(key);
    if (!v) this.byNs.set(key, (v = this.store.list({ group: RBAC, resource: k }, { namespace: ns }).items));
    return v;
  }

  clusterRoles(): readonly KubeObject[] {
    return this.all('clusterroles');
  }
  clusterRoleBindings(): readonly KubeObject[] {
    return this.all('clusterrolebindings');
  }
  roles(namespace: string): readonly KubeObject[] {
    return this.inNs('roles', namespace);
  }
  roleBindings(namespace: string): readonly KubeObject[] {
    return this.inNs('rolebindings', namespace);
  }
  close(): void {
    this.unsubscribe();
  }
}

/** Authorises attributes: masters always; otherwise RBAC (no module: denied). */
export function authorize(attrs: RequestAttributes, rbac: RbacModule | undefined, source: RbacSource): Decision {
  if (attrs.user.groups.includes('system:masters')) return { allowed: true, reason: 'system:masters' };
  if (!rbac) return { allowed: false, reason: 'no RBAC authoriser is configured' };
  return rbac.authorize(attrs, source);
}

/** Request attributes of a parsed request for a user. */
export function attributesOf(info: RequestInfo, user: RequestAttributes['user']): RequestAttributes {
  if (!info.isResourceRequest) return { user, verb: info.verb, isResourceRequest: false, path: info.path };
  return {
    user,
    verb: info.verb,
    isResourceRequest: true,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource || undefined,
    namespace: info.namespace || undefined,
    name: info.name || undefined,
  };
}

/** The 403 kube-apiserver returns, worded as its RBAC denials. */
export function forbiddenFor(attrs: RequestAttributes, reason: string): Error {
  const who = `User "${attrs.user.name}"`;
  if (!attrs.isResourceRequest) {
    return forbiddenError(`forbidden: ${who} cannot ${attrs.verb} path "${attrs.path ?? ''}"${reason ? `: ${reason}` : ''}`);
  }
  const res = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource ?? '';
  const gr = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource ?? '';
  const subject = attrs.name ? `${gr} "${attrs.name}"` : gr;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const msg = `${subject} is forbidden: ${who} cannot ${attrs.verb} resource "${res}" in API group "${attrs.apiGroup ?? ''}" ${scope}`;
  return forbiddenError(reason ? `${msg}: ${reason}` : msg, { name: attrs.name, group: attrs.apiGroup, kind: attrs.resource });
}
