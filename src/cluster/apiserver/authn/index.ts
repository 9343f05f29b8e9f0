/**
 * Authentication for the embedded API server.
 *
 * - `userFromCertificate(peerCert)`: the user of a verified client certificate (CN user, O groups).
 * - `ServiceAccountTokens.open({keyDir})`: issues (`issue`) and checks (`verify`/`review`) bound
 *   ServiceAccount JWTs; pass `isStillValid` to reject tokens whose ServiceAccount/Pod is gone.
 * - Handlers for the create-only kinds, each returning the response object or throwing StatusError:
 *   `handleTokenRequest` (serviceaccounts/token), `handleTokenReview`, `handleSubjectAccessReview`,
 *   `handleLocalSubjectAccessReview`, `handleSelfSubjectAccessReview`.
 */
export { AUTHENTICATED_GROUP, userFromCertificate } from './certificate.js';
export {
  DEFAULT_ISSUER,
  ServiceAccountTokens,
  rfc3339,
  serviceAccountGroups,
  serviceAccountUsername,
  userFromClaims,
  type IssueRequest,
  type IssuedToken,
  type KubernetesClaims,
  type ObjectRefClaim,
  type ServiceAccountClaims,
  type ServiceAccountTokensOptions,
  type StillValidCheck,
  type TokenVerification,
  type VerifyOptions,
} from './service-account-tokens.js';
export {
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  handleTokenRequest,
  type BindableKind,
  type ObjectLookup,
  type TokenRequestContext,
} from './token-request.js';
export { handleTokenReview, toApiUserInfo, type TokenAuthenticator } from './token-review.js';
export {
  handleLocalSubjectAccessReview,
  handleSelfSubjectAccessReview,
  handleSubjectAccessReview,
  type Authorize,
} from './access-review.js';
export { handleSelfSubjectReview } from './self-subject-review.js';
export { impersonate, impersonatedUser, impersonationChecks, parseImpersonation, type ImpersonationRequest } from './impersonation.js';
