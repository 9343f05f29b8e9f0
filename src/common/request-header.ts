/**
 * The request-header authentication protocol between an aggregating API server and its backends
 * (kube-apiserver's --requestheader-* and an extension server's side of it): the caller's identity
 * travels in X-Remote-User / X-Remote-Uid / X-Remote-Group / X-Remote-Extra-<key> headers, trusted
 * only on a connection whose client certificate the request-header CA signed with an allowed CN.
 * Pure functions plus one reader of a TLS request; used by the embedded aggregator and by virt-api.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';

export const USER_HEADER = 'x-remote-user';
export const UID_HEADER = 'x-remote-uid';
export const GROUP_HEADER = 'x-remote-group';
export const EXTRA_PREFIX = 'x-remote-extra-';

/** The identity the headers carry (the shape of authentication.k8s.io UserInfo). */
export interface RequestHeaderUser {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Header-token characters that stay unescaped in an extra key ('%' is always escaped). */
const LEGAL = /^[A-Za-z0-9!#$&'*+\-.^_`|~]$/;

/** Percent-encodes an extra key for use in a header name, as kube-apiserver does (`/` -> `%2F`). */
export function escapeExtraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && LEGAL.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of escapeExtraKey; lower-cases the key as upstream does. */
export function unescapeExtraKey(escaped: string): string {
  try {
    return decodeURIComponent(escaped).toLowerCase();
  } catch {
    return escaped.toLowerCase();
  }
}

/** Drops any identity, Authorization or Impersonate-* header a caller sent (they must never reach the backend). */
export function stripCallerCredentials(headers: Record<string, string | string[] | undefined>): void {
  for (const name of Object.keys(headers)) {
    const l = name.toLowerCase();
    if (l === 'authorization' || l === USER_HEADER || l === UID_HEADER || l === GROUP_HEADER || l.startsWith(EXTRA_PREFIX) || l.startsWith('impersonate-')) {
      delete headers[name];
    }
  }
}

/** Adds the identity headers of `user` (one X-Remote-Group value per group). */
export function setIdentityHeaders(headers: Record<string, string | string[] | undefined>, user: RequestHeaderUser): void {
  headers[USER_HEADER] = user.name;
  if (user.uid) headers[UID_HEADER] = user.uid;
  if (user.groups.length > 0) headers[GROUP_HEADER] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length > 0) headers[EXTRA_PREFIX + escapeExtraKey(key)] = [...values];
  }
}

/** The user named by identity headers (Node's `headersDistinct`); undefined without X-Remote-User. */
export function userFromIdentityHeaders(headers: Readonly<Record<string, readonly string[] | undefined>>): RequestHeaderUser | undefined {
  const name = headers[USER_HEADER]?.find((v) => v.length > 0);
  if (!name) return undefined;
  const uid = headers[UID_HEADER]?.[0];
  const groups = [...(headers[GROUP_HEADER] ?? [])].filter((g) => g.length > 0);
  const extra: Record<string, string[]> = {};
  for (const [h, values] of Object.entries(headers)) {
    if (!h.startsWith(EXTRA_PREFIX) || !values) continue;
    const key = unescapeExtraKey(h.slice(EXTRA_PREFIX.length));
    extra[key] = [...(extra[key] ?? []), ...values];
  }
  return { name, ...(uid ? { uid } : {}), groups, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

const commonNameOf = (cert: X509Certificate): string | undefined =>
  cert.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);

/** Parses every certificate of a PEM bundle. */
function parseBundle(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
}

/**
 * True when `leafDer` is a currently valid certificate issued and signed by one of the CAs in
 * `caPem`, with a CN in `allowedNames` (any CN when the list is empty, as upstream).
 */
export function isFrontProxyCertificate(leafDer: Buffer, caPem: string, allowedNames: readonly string[], now = new Date()): boolean {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafDer);
  } catch {
    return false;
  }
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) return false;
  if (!parseBundle(caPem).some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey))) return false;
  const cn = commonNameOf(leaf);
  return allowedNames.length === 0 || (cn !== undefined && allowedNames.includes(cn));
}

/**
 * The caller's identity as the front proxy forwarded it, or undefined when the request did not
 * come over a connection authenticated by a request-header-CA client certificate (or names no user).
 */
export function verifyFrontProxyRequest(
  req: Pick<IncomingMessage, 'socket' | 'headersDistinct'>,
  requestHeaderCaPem: string,
  allowedNames: readonly string[],
): RequestHeaderUser | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer?.raw || !isFrontProxyCertificate(peer.raw, requestHeaderCaPem, allowedNames)) return undefined;
  return userFromIdentityHeaders(req.headersDistinct);
}
