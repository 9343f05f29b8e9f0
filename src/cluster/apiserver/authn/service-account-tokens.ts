/**
 * ServiceAccount tokens as kube-apiserver issues and checks them: JWTs carrying the `kubernetes.io`
 * private claims, signed by a key pair kept as PEM in a directory (RS256; ES256 with an ECDSA sa.key).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, exportJWK, importPKCS8, importSPKI, jwtVerify, errors as joseErrors, type JWK } from 'jose';
import type { UserInfo } from '../contracts.js';
import { AUTHENTICATED_GROUP } from './certificate.js';

/** The issuer and API audience of a default kube-apiserver. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** go-jose's default leeway, which kube-apiserver uses when checking exp/nbf/iat. */
const LEEWAY_SECONDS = 60;
const PRIVATE_KEY_FILE = 'sa.key';
const PUBLIC_KEY_FILE = 'sa.pub';

export interface ObjectRefClaim {
  readonly name: string;
  readonly uid: string;
}
/** The `kubernetes.io` private claim of a bound token. */
export interface KubernetesClaims {
  readonly namespace: string;
  readonly serviceaccount: ObjectRefClaim;
  readonly pod?: ObjectRefClaim;
  readonly secret?: ObjectRefClaim;
  readonly node?: ObjectRefClaim;
}
/** All claims of a ServiceAccount token. */
export interface ServiceAccountClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  readonly jti: string;
  readonly 'kubernetes.io': KubernetesClaims;
}

/** What to put into a token: the ServiceAccount, its audiences, lifetime and optional bound object. */
export interface IssueRequest {
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly serviceAccountUid: string;
  /** Defaults to the API audiences. */
  readonly audiences?: readonly string[];
  readonly expirationSeconds: number;
  readonly boundObject?: { readonly kind: 'Pod' | 'Secret' | 'Node'; readonly name: string; readonly uid: string };
  /** With a Pod binding: the node the pod runs on (claims `node`, extra `node-name`), as upstream adds it. */
  readonly node?: ObjectRefClaim;
}
export interface IssuedToken {
  readonly token: string;
  /** RFC 3339, seconds precision. */
  readonly expirationTimestamp: string;
  readonly claims: ServiceAccountClaims;
}

/** Checks the token still names live objects; a string is the reason it does not. */
export type StillValidCheck = (claims: ServiceAccountClaims) => boolean | string | Promise<boolean | string>;

export interface VerifyOptions {
  /** The audiences the token is presented to; default the API audiences. */
  readonly audiences?: readonly string[];
  readonly isStillValid?: StillValidCheck;
}
/** A verification outcome with the reason for a rejection (TokenReview reports it in status.error). */
export type TokenVerification =
  | { readonly ok: true; readonly user: UserInfo; readonly audiences: readonly string[]; readonly claims: ServiceAccountClaims }
  | { readonly ok: false; readonly error: string };

export interface ServiceAccountTokensOptions {
  /** Directory holding sa.key (PKCS#8 PEM) and sa.pub (SPKI PEM); created with a new key pair when missing. */
  readonly keyDir: string;
  readonly issuer?: string;
  readonly apiAudiences?: readonly string[];
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

/** `system:serviceaccount:<ns>:<name>`, the user name of a ServiceAccount. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The groups of a ServiceAccount in a namespace (without system:authenticated). */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

async function loadOrCreateKeys(dir: string): Promise<{ privatePem: string }> {
  const keyPath = join(dir, PRIVATE_KEY_FILE);
  try {
    return { privatePem: await readFile(keyPath, 'utf8') };
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // Write under temporary names, then rename: a crash never leaves half a key behind.
  const suffix = `.tmp-${process.pid}-${randomUUID()}`;
  await writeFile(join(dir, PUBLIC_KEY_FILE + suffix), publicKey, { mode: 0o644 });
  await writeFile(keyPath + suffix, privateKey, { mode: 0o600 });
  await rename(join(dir, PUBLIC_KEY_FILE + suffix), join(dir, PUBLIC_KEY_FILE));
  await rename(keyPath + suffix, keyPath);
  return { privatePem: privateKey };
}

type Algorithm = 'RS256' | 'ES256' | 'ES384';

/** The JWS algorithm for a key: RS256 for RSA (what we generate), ES256/ES384 for P-256/P-384 keys. */
function algorithmOf(privatePem: string): Algorithm {
  const key = createPrivateKey(privatePem);
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ec' && curve === 'secp384r1') return 'ES384';
  throw new Error(`unsupported service account signing key type ${key.asymmetricKeyType ?? ''} ${curve ?? ''}`.trim());
}

/** kube-apiserver's key id: unpadded base64url of the SHA-256 of the DER public key. */
function keyId(publicPem: string): string {
  const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** Unix seconds as an RFC 3339 timestamp with seconds precision (metav1.Time). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Words a jose validation failure the way kube-apiserver's service account authenticator does. */
function verificationError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'service account token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'service account token is not valid yet';
    if (err.claim === 'iat') return 'service account token is issued in the future';
    return `service account token claim ${err.claim} is invalid: ${err.reason}`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid signature';
  return err instanceof Error ? err.message : String(err);
}

function isKubernetesClaims(v: unknown): v is KubernetesClaims {
  const k = v as KubernetesClaims | undefined;
  return (
    typeof k?.namespace === 'string' &&
    typeof k.serviceaccount?.name === 'string' &&
    typeof k.serviceaccount.uid === 'string'
  );
}

/** The identity a verified token stands for, with the extras kube-apiserver attaches. */
export function userFromClaims(claims: ServiceAccountClaims): UserInfo {
  const k = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
  }
  if (k.node) {
    extra['authentication.kubernetes.io/node-name'] = [k.node.name];
    if (k.node.uid) extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
  }
  if (claims.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
  const user: UserInfo = {
    name: serviceAccountUsername(k.namespace, k.serviceaccount.name),
    uid: k.serviceaccount.uid,
    groups: [...serviceAccountGroups(k.namespace), AUTHENTICATED_GROUP],
  };
  return Object.keys(extra).length > 0 ? { ...user, extra } : user;
}

type SigningKey = Awaited<ReturnType<typeof importPKCS8>>;

/** Issues and verifies bound ServiceAccount tokens with one key pair. */
export class ServiceAccountTokens {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  /** Key id (`kid` header) of the signing key. */
  readonly keyId: string;
  private readonly now: () => number;

  private constructor(
    private readonly privateKey: SigningKey,
    private readonly publicKey: SigningKey,
    /** The public key as SPKI PEM, e.g. for `--service-account-key-file` of another server. */
    readonly publicKeyPem: string,
    /** JWS algorithm of the key pair. */
    readonly algorithm: Algorithm,
    opts: ServiceAccountTokensOptions,
  ) {
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = opts.apiAudiences ?? [this.issuer];
    this.keyId = keyId(publicKeyPem);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Loads the key pair from `keyDir` (sa.key: RSA, or the ECDSA key the cluster PKI writes there),
   * creating an RSA pair on first use.
   */
  static async open(opts: ServiceAccountTokensOptions): Promise<ServiceAccountTokens> {
    const { privatePem } = await loadOrCreateKeys(opts.keyDir);
    return ServiceAccountTokens.fromPrivateKeyPem(privatePem, opts);
  }

  /** Uses an existing PKCS#8 PEM private key (RSA, P-256 or P-384). */
  static async fromPrivateKeyPem(privatePem: string, opts: Omit<ServiceAccountTokensOptions, 'keyDir'>): Promise<ServiceAccountTokens> {
    const alg = algorithmOf(privatePem);
    const publicPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
    const privateKey = await importPKCS8(privatePem, alg);
    const publicKey = await importSPKI(publicPem, alg, { extractable: true });
    return new ServiceAccountTokens(privateKey, publicKey, publicPem, alg, { ...opts, keyDir: '' });
  }

  /** Signs a token with the claims kube-apiserver's TokenRequest puts in one. */
  async issue(req: IssueRequest): Promise<IssuedToken> {
    const nowSec = Math.floor(this.now() / 1000);
    const bound = req.boundObject;
    const ref = (b: { name: string; uid: string }): ObjectRefClaim => ({ name: b.name, uid: b.uid });
    const k: KubernetesClaims = {
      namespace: req.namespace,
      serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUid },
      ...(bound?.kind === 'Pod' ? { pod: ref(bound) } : {}),
      ...(bound?.kind === 'Secret' ? { secret: ref(bound) } : {}),
      ...(bound?.kind === 'Node' ? { node: ref(bound) } : bound?.kind === 'Pod' && req.node ? { node: ref(req.node) } : {}),
    };
    const claims: ServiceAccountClaims = {
      iss: this.issuer,
      sub: serviceAccountUsername(req.namespace, req.serviceAccountName),
      aud: [...(req.audiences && req.audiences.length > 0 ? req.audiences : this.apiAudiences)],
      exp: nowSec + req.expirationSeconds,
      iat: nowSec,
      nbf: nowSec,
      jti: randomUUID(),
      'kubernetes.io': k,
    };
    const token = await new SignJWT({ 'kubernetes.io': k })
      .setProtectedHeader({ alg: this.algorithm, kid: this.keyId })
      .setIssuer(claims.iss)
      .setSubject(claims.sub)
      .setAudience([...claims.aud])
      .setIssuedAt(claims.iat)
      .setNotBefore(claims.nbf)
      .setExpirationTime(claims.exp)
      .setJti(claims.jti)
      .sign(this.privateKey);
    return { token, expirationTimestamp: rfc3339(claims.exp), claims };
  }

  /** The user a token authenticates, or undefined when it is not a valid token of ours. */
  async verify(token: string, opts: VerifyOptions = {}): Promise<UserInfo | undefined> {
    const r = await this.review(token, opts);
    return r.ok ? r.user : undefined;
  }

  /** Like verify, with the audiences matched and the reason for a rejection (for TokenReview). */
  async review(token: string, opts: VerifyOptions = {}): Promise<TokenVerification> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [this.algorithm],
        issuer: this.issuer,
        clockTolerance: LEEWAY_SECONDS,
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      return { ok: false, error: verificationError(err) };
    }
    const k = payload['kubernetes.io'];
    if (!isKubernetesClaims(k)) return { ok: false, error: 'service account token is missing its kubernetes.io claims' };
    const tokenAuds = typeof payload.aud === 'string' ? [payload.aud] : ((payload.aud as string[] | undefined) ?? []);
    const wanted = opts.audiences && opts.audiences.length > 0 ? opts.audiences : this.apiAudiences;
    const audiences = wanted.filter((a) => tokenAuds.includes(a));
    if (audiences.length === 0) {
      return {
        ok: false,
        error: `token audiences ${goQuote(tokenAuds)} is invalid for the target audiences ${goQuote(wanted)}`,
      };
    }
    const claims = payload as unknown as ServiceAccountClaims;
    if (opts.isStillValid) {
      const still = await opts.isStillValid(claims);
      if (still !== true) return { ok: false, error: typeof still === 'string' ? still : 'service account token has been invalidated' };
    }
    return { ok: true, user: userFromClaims(claims), audiences, claims };
  }

  /** The JSON Web Key Set of the signing key, as served at /openid/v1/jwks. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(this.publicKey);
    return { keys: [{ ...jwk, kid: this.keyId, use: 'sig', alg: this.algorithm }] };
  }
}

/** Go's %q of a []string: ["a" "b"]. */
function goQuote(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}
