/**
 * authorization.k8s.io reviews over the RBAC authoriser: (Self)SubjectAccessReview spec ->
 * request attributes -> status, and SelfSubjectRulesReview status (what `kubectl auth can-i`
 * and `kubectl auth can-i --list` read).
 */
import type { Decision, RbacSource, RequestAttributes, UserInfo } from '../contracts.js';
import { rulesFor, systemMasters } from './authorize.js';

/** spec.resourceAttributes of an access review. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** The spec of a SubjectAccessReview (user fields) or SelfSubjectAccessReview (no user fields). */
export interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** SubjectAccessReviewStatus. */
export interface AccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** The attributes a review asks about; `self` is the caller for SelfSubjectAccessReview, else the spec's user is used. */
export function accessReviewAttributes(spec: AccessReviewSpec, self?: UserInfo): RequestAttributes {
  const user: UserInfo = self ?? {
    name: spec.user ?? '',
    groups: spec.groups ?? [],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
  const ra = spec.resourceAttributes;
  if (ra) {
    return {
      user,
      verb: ra.verb ?? '',
      isResourceRequest: true,
      apiGroup: ra.group ?? '',
      apiVersion: ra.version ?? '',
      resource: ra.resource ?? '',
      ...(ra.subresource ? { subresource: ra.subresource } : {}),
      ...(ra.namespace ? { namespace: ra.namespace } : {}),
      ...(ra.name ? { name: ra.name } : {}),
    };
  }
  return { user, verb: spec.nonResourceAttributes?.verb ?? '', isResourceRequest: false, path: spec.nonResourceAttributes?.path ?? '' };
}

/** The review status for a decision (RBAC never denies outright: a miss is "no opinion"). */
export function accessReviewStatus(d: Decision): AccessReviewStatus {
  return { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
}

/** SelfSubjectRulesReview status fields. */
export interface SubjectRulesReviewStatus {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

/** What the user may do in `namespace`: system:masters first (all), then every RBAC rule that applies. */
export function subjectRulesReviewStatus(user: UserInfo, namespace: string, source: RbacSource): SubjectRulesReviewStatus {
  const status: SubjectRulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
  if (user.groups.includes(systemMasters)) {
    status.resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    status.nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
  }
  const { rules, errors } = rulesFor(user, namespace, source);
  for (const r of rules) {
    if ((r.resources ?? []).length > 0) {
      status.resourceRules.push({
        verbs: [...(r.verbs ?? [])],
        ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
        resources: [...(r.resources ?? [])],
        ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
      });
    }
    if ((r.nonResourceURLs ?? []).length > 0) status.nonResourceRules.push({ verbs: [...(r.verbs ?? [])], nonResourceURLs: [...(r.nonResourceURLs ?? [])] });
  }
  if (errors.length > 0) status.evaluationError = errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
  return status;
}
