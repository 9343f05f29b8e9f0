// Registry authentication: the WWW-Authenticate challenge parser (RFC 7235 auth-params, as the
// distribution token spec uses them) and the choice of credentials from a pod's pull secrets.

/** One parsed challenge: its scheme (lower-cased) and its parameters. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Registry credentials, as kubelet reads them from a dockerconfigjson pull secret. */
export interface PullCredential {
  readonly registry: string;
  readonly username: string;
  readonly password: string;
}

/** Parses `Bearer realm="https://auth/token",service="reg",scope="repository:x:pull"` (and
 *  `Basic realm="..."`); returns undefined when the header has no recognisable scheme. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2] ?? '';
  let p: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (p = re.exec(rest)) !== null) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

function normaliseRegistry(r: string): string {
  const host = r.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** The first pull secret whose registry names the image's registry (scheme and path ignored;
 *  index.docker.io and registry-1.docker.io count as docker.io). */
export function credentialFor(registry: string, secrets: readonly PullCredential[] | undefined): PullCredential | undefined {
  const want = normaliseRegistry(registry);
  return secrets?.find((s) => normaliseRegistry(s.registry) === want);
}

/** The value of an HTTP Basic Authorization header. */
export function basicAuth(c: { readonly username: string; readonly password: string }): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
