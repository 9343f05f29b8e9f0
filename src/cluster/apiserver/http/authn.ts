/**
 * Authentication of one request: a client certificate verified against the cluster CA (CN = user,
 * O = groups), else a bearer token through the token authenticator; otherwise anonymous.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../contracts.js';
import type { TokenAuthenticator } from '../modules.js';

/** The anonymous user kube-apiserver assigns to unauthenticated requests. */
export const anonymousUser: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Paths anonymous callers may reach (health and version), as the brief of this server requires. */
export function anonymousAllowed(path: string): boolean {
  return path === '/version' || /^\/(healthz|livez|readyz)(\/.*)?$/.test(path);
}

function withAuthenticated(groups: readonly string[]): string[] {
  return groups.includes('system:authenticated') ? [...groups] : [...groups, 'system:authenticated'];
}

/** Identity per TLS connection: the peer certificate cannot change on a connection. */
const bySocket = new WeakMap<object, UserInfo | null>();

/** The identity of a verified client certificate on this request's TLS socket, if any. */
export function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const cached = bySocket.get(req.socket);
  if (cached !== undefined) return cached ?? undefined;
  const u = peerUser(req);
  bySocket.set(req.socket, u ?? null);
  return u;
}

function peerUser(req: IncomingMessage): UserInfo | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function' || !sock.authorized) return undefined;
  const cert = sock.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const cn = cert.subject.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (!name) return undefined;
  const o = cert.subject.O;
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { name, groups: withAuthenticated(groups) };
}

/** Authenticates a request; `undefined` means anonymous. A bad bearer token is also anonymous (-> 401). */
export async function authenticate(req: IncomingMessage, tokens: TokenAuthenticator | undefined): Promise<UserInfo | undefined> {
  const fromCert = certificateUser(req);
  if (fromCert) return fromCert;
  const auth = req.headers.authorization;
  if (auth && /^bearer /i.test(auth) && tokens) {
    const token = auth.slice(7).trim();
    if (token) {
      const u = await tokens.authenticateToken(token);
      if (u) return { ...u, groups: withAuthenticated(u.groups) };
    }
  }
  return undefined;
}

/**
 * True when a request carries any Impersonate-* header (names compared case-insensitively), read
 * from the raw header list: building req.headersDistinct for every request costs more than this.
 */
export function asksImpersonation(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length > 12 && name.slice(0, 12).toLowerCase() === 'impersonate-') return true;
  }
  return false;
}
