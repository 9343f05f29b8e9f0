/**
 * virt-api's second RBAC check (upstream's authorizer.go): a SubjectAccessReview for the caller the
 * front proxy named, on the subresource, so a misrouted or replayed request is still refused.
 */
import type { KubeClient } from '../../client/kube-client.js';
import type { Authorizer } from './app.js';

/** An Authorizer that posts SubjectAccessReviews with `client`. */
export function subjectAccessReviewer(client: KubeClient): Authorizer {
  return async (caller, attrs) => {
    const review = await client.create<{ status?: { allowed?: boolean; reason?: string } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: caller.name,
        ...(caller.uid ? { uid: caller.uid } : {}),
        groups: [...caller.groups],
        extra: caller.extra,
        resourceAttributes: { ...attrs, group: 'subresources.kubevirt.io', version: 'v1' },
      },
    });
    return { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
  };
}
