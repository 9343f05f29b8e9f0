/**
 * User impersonation as kube-apiserver's impersonation filter does it: the Impersonate-User,
 * Impersonate-Group, Impersonate-Uid and Impersonate-Extra-<key> headers replace the caller's
 * identity once the caller may `impersonate` each requested part (RBAC).
 */
import { badRequest, type StatusError } from '../../../api/meta/index.js';
import type { Decision, RequestAttributes, UserInfo } from '../contracts.js';
import { AUTHENTICATED_GROUP } from './certificate.js';
import { serviceAccountGroups } from './service-account-tokens.js';

/** Header names (lower case, as Node presents them). */
export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

const ANONYMOUS = 'system:anonymous';
const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
const SA_PREFIX = 'system:serviceaccount:';
const AUTHN_GROUP = 'authentication.k8s.io';

/** What a caller asked to become, parsed from the headers. */
export interface ImpersonationRequest {
  readonly user?: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** Headers as Node's `req.headersDistinct` gives them: every value of each header, lower-case names. */
export type DistinctHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/** Extra keys travel percent-encoded in header names; upstream decodes and lower-cases them. */
function extraKey(escaped: string): string {
  try {
    return decodeURIComponent(escaped).toLowerCase();
  } catch {
    return escaped.toLowerCase();
  }
}

/** The impersonation a request asks for, or undefined when it sends no Impersonate-* header. */
export function parseImpersonation(headers: DistinctHeaders): ImpersonationRequest | undefined {
  let any = false;
  let user: string | undefined;
  let uid: string | undefined;
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!values || !name.startsWith('impersonate-')) continue;
    if (name === IMPERSONATE_USER) user = values.find((v) => v.length > 0) ?? user;
    else if (name === IMPERSONATE_GROUP) groups.push(...values);
    else if (name === IMPERSONATE_UID) uid = values.find((v) => v.length > 0) ?? uid;
    else if (name.startsWith(IMPERSONATE_EXTRA_PREFIX)) {
      const key = extraKey(name.slice(IMPERSONATE_EXTRA_PREFIX.length));
      extra[key] = [...(extra[key] ?? []), ...values];
    } else continue;
    any = true;
  }
  if (!any) return undefined;
  return { ...(user !== undefined ? { user } : {}), groups, ...(uid !== undefined ? { uid } : {}), extra };
}

/** A service-account user name split into namespace and name, or undefined for other users. */
function serviceAccountOf(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** The authorisation checks one impersonation needs, in the order kube-apiserver makes them. */
export function impersonationChecks(requester: UserInfo, req: ImpersonationRequest): RequestAttributes[] {
  const base = { user: requester, verb: 'impersonate', isResourceRequest: true } as const;
  const out: RequestAttributes[] = [];
  if (req.user !== undefined) {
    const sa = serviceAccountOf(req.user);
    out.push(
      sa
        ? { ...base, apiGroup: '', apiVersion: 'v1', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name }
        : { ...base, apiGroup: '', apiVersion: 'v1', resource: 'users', name: req.user },
    );
  }
  for (const g of req.groups) out.push({ ...base, apiGroup: '', apiVersion: 'v1', resource: 'groups', name: g });
  for (const [key, values] of Object.entries(req.extra)) {
    for (const v of values) out.push({ ...base, apiGroup: AUTHN_GROUP, apiVersion: 'v1', resource: 'userextras', subresource: key, name: v });
  }
  if (req.uid !== undefined) out.push({ ...base, apiGroup: AUTHN_GROUP, apiVersion: 'v1', resource: 'uids', name: req.uid });
  return out;
}

/** The identity the request acts as: groups of a service account, plus system:authenticated as upstream adds it. */
export function impersonatedUser(req: ImpersonationRequest & { user: string }): UserInfo {
  const sa = serviceAccountOf(req.user);
  let groups = [...req.groups];
  if (sa && groups.length === 0) groups = serviceAccountGroups(sa.namespace);
  if (req.user !== ANONYMOUS && !groups.includes(AUTHENTICATED_GROUP) && !groups.includes(UNAUTHENTICATED_GROUP)) {
    groups.push(AUTHENTICATED_GROUP);
  }
  return {
    name: req.user,
    groups,
    ...(req.uid !== undefined ? { uid: req.uid } : {}),
    ...(Object.keys(req.extra).length > 0 ? { extra: req.extra } : {}),
  };
}

/**
 * Applies the Impersonate-* headers: returns the requester unchanged without them, the
 * impersonated user when every check passes, and throws the 403 (built by `forbidden`) of the
 * first denied check, or a 400 (as upstream) when groups, extra or uid come without a user.
 */
export function impersonate(
  headers: DistinctHeaders,
  requester: UserInfo,
  authorize: (a: RequestAttributes) => Decision,
  forbidden: (a: RequestAttributes, reason: string) => Error,
): UserInfo {
  const req = parseImpersonation(headers);
  if (!req) return requester;
  if (req.user === undefined) {
    const asked = [
      ...req.groups.map((g) => `Group ${g}`),
      ...Object.entries(req.extra).flatMap(([k, vs]) => vs.map((v) => `UserExtra ${k}=${v}`)),
      ...(req.uid !== undefined ? [`UID ${req.uid}`] : []),
    ];
    throw badRequest(`requested [${asked.join(' ')}] without impersonating a user`);
  }
  for (const attrs of impersonationChecks(requester, req)) {
    const d = authorize(attrs);
    if (!d.allowed) throw forbidden(attrs, d.reason) as StatusError;
  }
  return impersonatedUser({ ...req, user: req.user });
}
