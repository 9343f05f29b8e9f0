/**
 * The 403 kube-apiserver returns for a denied request, worded exactly as its Forbidden
 * responder words it, e.g. `pods "x" is forbidden: User "u" cannot get resource "pods" in API
 * group "" in the namespace "ns"`.
 */
import { forbiddenError, type StatusError } from '../../../api/meta/index.js';
import type { RequestAttributes } from '../contracts.js';

const q = (s: string): string => JSON.stringify(s);

/** The `User "u" cannot ...` sentence for the request. */
export function forbiddenReasonText(attrs: RequestAttributes): string {
  const user = q(attrs.user.name);
  if (!attrs.isResourceRequest) return `User ${user} cannot ${attrs.verb} path ${q(attrs.path ?? '')}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : (attrs.resource ?? '');
  const group = q(attrs.apiGroup ?? '');
  if (attrs.namespace) return `User ${user} cannot ${attrs.verb} resource ${q(resource)} in API group ${group} in the namespace ${q(attrs.namespace)}`;
  return `User ${user} cannot ${attrs.verb} resource ${q(resource)} in API group ${group} at the cluster scope`;
}

/** The full Forbidden message; `reason` (the authoriser's) is appended after a colon when non-empty. */
export function forbiddenMessage(attrs: RequestAttributes, reason = ''): string {
  const text = reason ? `${forbiddenReasonText(attrs)}: ${reason}` : forbiddenReasonText(attrs);
  const resource = attrs.isResourceRequest ? (attrs.resource ?? '') : '';
  const group = attrs.isResourceRequest ? (attrs.apiGroup ?? '') : '';
  if (!resource && !group) return `forbidden: ${text}`;
  const qualified = group ? `${resource}.${group}` : resource;
  return attrs.name ? `${qualified} ${q(attrs.name)} is forbidden: ${text}` : `${qualified} is forbidden: ${text}`;
}

/** The StatusError (403, reason Forbidden, details group/kind/name) kube-apiserver answers with. */
export function forbiddenStatus(attrs: RequestAttributes, reason = ''): StatusError {
  const resource = attrs.isResourceRequest ? (attrs.resource ?? '') : '';
  const group = attrs.isResourceRequest ? (attrs.apiGroup ?? '') : '';
  const details = { ...(group ? { group } : {}), ...(resource ? { kind: resource } : {}), ...(attrs.name ? { name: attrs.name } : {}) };
  return forbiddenError(forbiddenMessage(attrs, reason), details);
}
