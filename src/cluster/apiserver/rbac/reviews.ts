/**
 * SelfSubjectRulesReview over RBAC: the rules that apply to a user in a namespace, as
 * `kubectl auth can-i --list` reads them. (Access reviews live in authn/access-review.ts.)
 */
import type { RbacSource, UserInfo } from '../contracts.js';
import { rulesFor, systemMasters } from './authorize.js';

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
