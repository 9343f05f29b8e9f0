// A client of the OCI distribution API (Docker Registry v2): manifest and blob GETs with the
// bearer-token and basic auth flows, redirects (auth dropped across origins), HTTPS verified
// against the system CA bundle plus Node's, and sha256 verification of everything fetched.
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import { basicAuth, credentialFor, parseChallenge, type PullCredential } from './auth.js';
import { RegistryError } from './errors.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { registryBaseUrl, type ImageReference } from './reference.js';

/** Options of RegistryClient. */
export interface RegistryClientOptions {
  readonly credentials?: readonly PullCredential[];
  /** Registries (host[:port]) spoken to over plain HTTP besides loopback ones. */
  readonly insecureRegistries?: readonly string[];
  /** HTTP dispatcher; defaults to one trusting the system CA bundle. */
  readonly dispatcher?: Dispatcher;
}

/** A fetched manifest: its bytes, Content-Type and verified sha256 digest. */
export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly contentType: string | undefined;
  readonly digest: string;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
let defaultDispatcher: Dispatcher | undefined;

/** An undici Agent trusting Node's bundled roots and the system CA bundle (when readable). */
export function systemTrustDispatcher(): Dispatcher {
  if (defaultDispatcher) return defaultDispatcher;
  let system: string[] = [];
  try {
    system = [readFileSync(SYSTEM_CA_BUNDLE, 'utf8')];
  } catch {
    system = [];
  }
  defaultDispatcher = new Agent({ connect: { ca: [...rootCertificates, ...system] }, headersTimeout: 60_000, bodyTimeout: 300_000 });
  return defaultDispatcher;
}

/** sha256 digest string of bytes. */
export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

type Response = Dispatcher.ResponseData;

function header(res: Response, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Speaks the distribution API for one set of pull credentials. */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private readonly dispatcher: Dispatcher;

  constructor(private readonly opts: RegistryClientOptions = {}) {
    this.dispatcher = opts.dispatcher ?? systemTrustDispatcher();
  }

  /** GETs a manifest by tag or digest; verifies the bytes against the digest when one was asked
   *  for, and against Docker-Content-Digest when the registry sent one. */
  async getManifest(ref: ImageReference, tagOrDigest: string): Promise<FetchedManifest> {
    const res = await this.get(ref, `manifests/${tagOrDigest}`, { accept: MANIFEST_ACCEPT });
    if (res.statusCode !== 200) throw await this.statusError(res, ref, tagOrDigest);
    const declared = Number(header(res, 'content-length') ?? '0');
    if (declared > MAX_MANIFEST_BYTES) {
      await res.body.dump();
      throw new RegistryError(`manifest too large: ${declared} bytes`);
    }
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const digest = sha256(bytes);
    if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) {
      throw new RegistryError(`manifest digest mismatch: asked for ${tagOrDigest}, content has ${digest}`);
    }
    const sent = header(res, 'docker-content-digest');
    if (sent?.startsWith('sha256:') && sent !== digest) {
      throw new RegistryError(`manifest digest mismatch: registry says ${sent}, content has ${digest}`);
    }
    return { bytes, contentType: header(res, 'content-type'), digest };
  }

  /** Streams a blob to `dest`, hashing while writing; the file appears only when size and
   *  digest match. */
  async fetchBlob(ref: ImageReference, digest: string, size: number, dest: string): Promise<void> {
    const res = await this.get(ref, `blobs/${digest}`, {});
    if (res.statusCode !== 200) throw await this.statusError(res, ref, digest);
    const hash = createHash('sha256');
    let seen = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        if (size >= 0 && seen > size) {
          cb(new RegistryError(`blob ${digest} is larger than its descriptor's ${size} bytes`));
          return;
        }
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const tmp = `${dest}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await pipeline(res.body, meter, createWriteStream(tmp));
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest) throw new RegistryError(`blob digest mismatch: expected ${digest}, content has ${got}`);
      if (size >= 0 && seen !== size) throw new RegistryError(`blob ${digest} has ${seen} bytes, its descriptor says ${size}`);
      await rename(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async statusError(res: Response, ref: ImageReference, what: string): Promise<RegistryError> {
    const body = (await res.body.text()).slice(0, 300);
    const name = `${ref.registry}/${ref.repository}`;
    if (res.statusCode === 404) return new RegistryError(`${name}:${what}: not found`, 404);
    if (res.statusCode === 401 || res.statusCode === 403) {
      return new RegistryError(`pull access denied, repository does not exist or may require authorization: ${res.statusCode === 401 ? 'authorization failed' : 'forbidden'}: ${body.trim()}`, res.statusCode);
    }
    return new RegistryError(`unexpected status from GET request to ${name} ${what}: ${res.statusCode}: ${body.trim()}`, res.statusCode);
  }

  private scopeKey(ref: ImageReference): string {
    return `${ref.registry}/${ref.repository}`;
  }

  /** GET with auth: tries the cached Authorization, answers one 401 challenge, follows redirects. */
  private async get(ref: ImageReference, path: string, headers: Record<string, string>): Promise<Response> {
    const url = `${registryBaseUrl(ref.registry, this.opts.insecureRegistries)}/v2/${ref.repository}/${path}`;
    for (let attempt = 0; ; attempt++) {
      const auth = this.tokens.get(this.scopeKey(ref));
      const res = await this.follow(url, { ...headers, ...(auth ? { authorization: auth } : {}) });
      if (res.statusCode !== 401 || attempt > 0) return res;
      const challenge = header(res, 'www-authenticate');
      if (!challenge) return res;
      await res.body.dump();
      this.tokens.set(this.scopeKey(ref), await this.authorize(ref, challenge));
    }
  }

  private async follow(url: string, headers: Record<string, string>): Promise<Response> {
    let current = new URL(url);
    const origin = current.origin;
    for (let hops = 0; hops < 6; hops++) {
      const sameOrigin = current.origin === origin;
      const h = sameOrigin ? headers : Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'authorization'));
      const res = await request(current, { method: 'GET', headers: h, dispatcher: this.dispatcher });
      const location = header(res, 'location');
      if (![301, 302, 303, 307, 308].includes(res.statusCode) || !location) return res;
      await res.body.dump();
      current = new URL(location, current);
    }
    throw new RegistryError(`too many redirects fetching ${url}`);
  }

  /** Turns a challenge into an Authorization value: Basic from the pull secret, or a bearer
   *  token fetched from the realm (with basic credentials when the pull secret has them). */
  private async authorize(ref: ImageReference, header: string): Promise<string> {
    const challenge = parseChallenge(header);
    const cred = credentialFor(ref.registry, this.opts.credentials);
    if (challenge?.scheme === 'basic') {
      if (!cred) throw new RegistryError('pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials', 401);
      return basicAuth(cred);
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(`unsupported authentication challenge: ${header}`, 401);
    }
    const realm = new URL(challenge.params.realm);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', `repository:${ref.repository}:pull`);
    const res = await request(realm, {
      method: 'GET',
      headers: cred ? { authorization: basicAuth(cred) } : {},
      dispatcher: this.dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new RegistryError(`failed to fetch anonymous token: unexpected status from GET request to ${realm.origin}${realm.pathname}: ${res.statusCode}`, res.statusCode);
    }
    let doc: { token?: string; access_token?: string };
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch {
      throw new RegistryError(`token endpoint ${realm.origin}${realm.pathname} returned invalid JSON`);
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new RegistryError(`token endpoint ${realm.origin}${realm.pathname} returned no token`);
    return `Bearer ${token}`;
  }
}
