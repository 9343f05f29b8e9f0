/**
 * Wires the authn module into the server: ServiceAccount token authentication (checked against
 * live ServiceAccounts/Pods/Secrets), and the create-only kinds TokenRequest, TokenReview and
 * the access reviews, which answer through the same authoriser as real requests.
 */
import { join } from 'node:path';
import { notFound, type KubeObject } from '../../api/meta/index.js';
import {
  ServiceAccountTokens,
  handleLocalSubjectAccessReview,
  handleSelfSubjectAccessReview,
  handleSelfSubjectReview,
  handleSubjectAccessReview,
  handleTokenRequest,
  handleTokenReview,
  type ServiceAccountClaims,
} from './authn/index.js';
import type { Decision, RbacSource, RequestAttributes, UserInfo } from './contracts.js';
import { subjectRulesReviewStatus } from './rbac/index.js';
import type { VirtualHandler } from './http/handler.js';
import type { TokenAuthenticator } from './modules.js';
import type { RestDeps } from './rest/context.js';

/** Token authentication plus handlers for the virtual kinds. */
export interface AuthnWiring {
  readonly tokens: TokenAuthenticator;
  readonly virtual: VirtualHandler;
}

const core = (resource: string) => ({ group: '', resource });

function stillValid(deps: RestDeps, c: ServiceAccountClaims): boolean | string {
  const k = c['kubernetes.io'];
  const sa = deps.store.get(core('serviceaccounts'), k.namespace, k.serviceaccount.name);
  if (sa?.metadata?.uid !== k.serviceaccount.uid) return `service account ${k.serviceaccount.name} has been deleted`;
  const check = (res: string, ns: string, ref: { name: string; uid: string } | undefined): string | undefined => {
    if (!ref) return undefined;
    const o = deps.store.get(core(res), ns, ref.name);
    return o?.metadata?.uid === ref.uid && !o.metadata?.deletionTimestamp ? undefined : `${res} ${ref.name} has been deleted`;
  };
  return check('pods', k.namespace, k.pod) ?? check('secrets', k.namespace, k.secret) ?? check('nodes', '', k.node) ?? true;
}

/** The SelfSubjectRulesReview answer (`kubectl auth can-i --list`): the caller's RBAC rules in spec.namespace. */
function selfSubjectRulesReview(body: KubeObject, user: UserInfo, source: RbacSource, apiVersion: string): KubeObject {
  const ns = (body.spec as { namespace?: unknown } | undefined)?.namespace;
  const namespace = typeof ns === 'string' ? ns : '';
  return {
    apiVersion: `authorization.k8s.io/${apiVersion}`,
    kind: 'SelfSubjectRulesReview',
    metadata: { ...(body.metadata ?? {}) },
    spec: { ...(namespace ? { namespace } : {}) },
    status: { ...subjectRulesReviewStatus(user, namespace, source) },
  };
}

/**
 * Opens the token signer under DATA_DIR/sa and builds the authn pieces; `rbacSource` (the RBAC
 * objects) answers SelfSubjectRulesReview.
 */
export async function wireAuthn(dataDir: string, deps: RestDeps, authorize: (a: RequestAttributes) => Decision, rbacSource?: RbacSource): Promise<AuthnWiring> {
  const signer = await ServiceAccountTokens.open({ keyDir: join(dataDir, 'sa') });
  const isStillValid = (c: ServiceAccountClaims) => stillValid(deps, c);
  const tokens: TokenAuthenticator = { authenticateToken: (t) => signer.verify(t, { isStillValid }) };
  const virtual: VirtualHandler = async ({ resource, info, body, user }) => {
    const key = `${info.apiGroup}/${info.resource}${info.subresource ? `/${info.subresource}` : ''}`;
    switch (key) {
      case 'authorization.k8s.io/selfsubjectaccessreviews':
        return handleSelfSubjectAccessReview(body, user, authorize);
      case 'authorization.k8s.io/subjectaccessreviews':
        return handleSubjectAccessReview(body, authorize);
      case 'authorization.k8s.io/localsubjectaccessreviews':
        return handleLocalSubjectAccessReview(body, info.namespace, authorize);
      case 'authorization.k8s.io/selfsubjectrulesreviews':
        return rbacSource ? selfSubjectRulesReview(body, user, rbacSource, info.apiVersion) : undefined;
      case 'authentication.k8s.io/selfsubjectreviews':
        return handleSelfSubjectReview(body, user, info.apiVersion);
      case 'authentication.k8s.io/tokenreviews':
        return handleTokenReview(body, (t, audiences) => signer.review(t, { audiences, isStillValid }));
      case '/serviceaccounts/token': {
        const sa = deps.store.get(core('serviceaccounts'), info.namespace, info.name);
        if (!sa) throw notFound(core('serviceaccounts'), info.name);
        const lookup = (kind: 'Pod' | 'Secret' | 'Node', ns: string, name: string): KubeObject | undefined =>
          deps.store.get(core(kind === 'Pod' ? 'pods' : kind === 'Secret' ? 'secrets' : 'nodes'), kind === 'Node' ? '' : ns, name);
        return handleTokenRequest(body, { serviceAccount: sa, tokens: signer, lookup });
      }
      default:
        void resource;
        return undefined;
    }
  };
  return { tokens, virtual };
}
