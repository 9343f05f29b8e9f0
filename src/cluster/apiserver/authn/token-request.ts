/**
 * The serviceaccounts/token subresource (authentication.k8s.io/v1 TokenRequest): validates the
 * request as kube-apiserver does, resolves the bound object and signs a token.
 */
import {
  badRequest,
  conflict,
  invalid,
  invalidObject,
  notFound,
  type KubeObject,
} from '../../../api/meta/index.js';
import { rfc3339, type ServiceAccountTokens } from './service-account-tokens.js';

const GROUP = 'authentication.k8s.io';
const API_VERSION = `${GROUP}/v1`;
/** Defaults and bounds of spec.expirationSeconds. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export type BindableKind = 'Pod' | 'Secret' | 'Node';
/** Reads a Pod/Secret (namespaced, in the ServiceAccount's namespace) or Node; undefined when absent. */
export type ObjectLookup = (
  kind: BindableKind,
  namespace: string,
  name: string,
) => KubeObject | undefined | Promise<KubeObject | undefined>;

export interface TokenRequestContext {
  /** The ServiceAccount named in the URL, as stored. */
  readonly serviceAccount: KubeObject;
  readonly tokens: ServiceAccountTokens;
  readonly lookup: ObjectLookup;
  /** Upper bound on expirationSeconds (kube-apiserver's --service-account-max-token-expiration); none when unset. */
  readonly maxExpirationSeconds?: number;
}

const plural: Record<BindableKind, string> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

function gvkString(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group}/${version}, Kind=${kind}`;
}

function specOf(body: KubeObject): Record<string, unknown> {
  const spec = body.spec;
  return spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
}

interface BoundRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

async function resolveBound(
  ref: BoundRef,
  saName: string,
  namespace: string,
  lookup: ObjectLookup,
): Promise<{ kind: BindableKind; name: string; uid: string; node?: { name: string; uid: string } }> {
  const apiVersion = ref.apiVersion ?? '';
  const kind = ref.kind ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group !== '' || (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node')) {
    throw badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
  }
  const name = ref.name ?? '';
  const obj = await lookup(kind, kind === 'Node' ? '' : namespace, name);
  if (!obj) throw notFound({ group: '', resource: plural[kind] }, name);
  const uid = obj.metadata?.uid ?? '';
  let node: { name: string; uid: string } | undefined;
  if (kind === 'Pod') {
    const podSpec = (obj.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if ((podSpec.serviceAccountName ?? 'default') !== saName) {
      throw badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    }
    if (podSpec.nodeName) {
      const n = await lookup('Node', '', podSpec.nodeName);
      node = { name: podSpec.nodeName, uid: n?.metadata?.uid ?? '' };
    }
  }
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      { group: '', resource: kind },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return { kind, name, uid, ...(node ? { node } : {}) };
}

/**
 * Handles `POST .../serviceaccounts/<name>/token`: returns the TokenRequest with spec defaulted and
 * status {token, expirationTimestamp}. Throws StatusError (422 for invalid fields, 400 for a bad binding,
 * 404 for a missing bound object, 409 for a bound-object uid mismatch).
 */
export async function handleTokenRequest(body: KubeObject, ctx: TokenRequestContext): Promise<KubeObject> {
  const sa = ctx.serviceAccount;
  const saName = sa.metadata?.name ?? '';
  const namespace = sa.metadata?.namespace ?? '';
  const gk = { group: GROUP, kind: 'TokenRequest' };
  const meta = body.metadata ?? {};
  if (meta.name && meta.name !== saName) {
    throw invalidObject(gk, saName, [invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw invalidObject(gk, saName, [
      invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified'),
    ]);
  }
  const spec = specOf(body);
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? (spec.audiences as string[]) : [...ctx.tokens.apiAudiences];
  let expirationSeconds =
    spec.expirationSeconds === undefined || spec.expirationSeconds === null
      ? DEFAULT_TOKEN_EXPIRATION_SECONDS
      : Number(spec.expirationSeconds);
  if (!Number.isInteger(expirationSeconds)) {
    throw invalidObject(gk, '', [invalid('spec.expirationSeconds', spec.expirationSeconds, 'must be an integer')]);
  }
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw invalidObject(gk, '', [invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    throw invalidObject(gk, '', [invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
  }
  const ref = spec.boundObjectRef as BoundRef | undefined | null;
  const bound = ref ? await resolveBound(ref, saName, namespace, ctx.lookup) : undefined;
  if (ctx.maxExpirationSeconds !== undefined && expirationSeconds > ctx.maxExpirationSeconds) {
    expirationSeconds = ctx.maxExpirationSeconds;
  }
  const issued = await ctx.tokens.issue({
    namespace,
    serviceAccountName: saName,
    serviceAccountUid: sa.metadata?.uid ?? '',
    audiences,
    expirationSeconds,
    ...(bound ? { boundObject: { kind: bound.kind, name: bound.name, uid: bound.uid } } : {}),
    ...(bound?.node ? { node: bound.node } : {}),
  });
  return {
    apiVersion: API_VERSION,
    kind: 'TokenRequest',
    metadata: { name: saName, namespace, creationTimestamp: rfc3339(issued.claims.iat) },
    spec: { ...spec, audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  };
}
