/**
 * TokenReview (authentication.k8s.io/v1): answers "who is this bearer token?" for webhooks and
 * aggregated servers that delegate authentication to the API server.
 */
import { badRequest, type KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import type { TokenVerification } from './service-account-tokens.js';

/** Authenticates one token for the given audiences (the API audiences when empty). */
export type TokenAuthenticator = (token: string, audiences: readonly string[]) => Promise<TokenVerification>;

/** authentication.k8s.io/v1 UserInfo, as TokenReview and AdmissionReview carry it. */
export function toApiUserInfo(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...user.groups],
    ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
  };
}

/**
 * Handles `POST /apis/authentication.k8s.io/v1/tokenreviews`: the body with status
 * {authenticated, user, audiences, error}. An empty spec.token is a 400, as upstream.
 */
export async function handleTokenReview(body: KubeObject, authenticate: TokenAuthenticator): Promise<KubeObject> {
  const spec = (body.spec ?? {}) as { token?: unknown; audiences?: unknown };
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (token === '') throw badRequest('token is required for TokenReview in authentication');
  const audiences = Array.isArray(spec.audiences) ? (spec.audiences as string[]) : [];
  const result = await authenticate(token, audiences);
  const status = result.ok
    ? { authenticated: true, user: toApiUserInfo(result.user), audiences: [...result.audiences] }
    : { user: {}, error: result.error };
  return {
    ...body,
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: { ...(body.metadata ?? {}) },
    status,
  };
}
