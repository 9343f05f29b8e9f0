/**
 * SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): tells the caller the
 * identity the server sees, after impersonation.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import { toApiUserInfo } from './token-review.js';

/** Handles `POST /apis/authentication.k8s.io/VERSION/selfsubjectreviews`: the body with status.userInfo. */
export function handleSelfSubjectReview(body: KubeObject, user: UserInfo, apiVersion = 'v1', now = new Date()): KubeObject {
  return {
    apiVersion: `authentication.k8s.io/${apiVersion}`,
    kind: 'SelfSubjectReview',
    metadata: { ...(body.metadata ?? {}), creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: { userInfo: toApiUserInfo(user) },
  };
}
