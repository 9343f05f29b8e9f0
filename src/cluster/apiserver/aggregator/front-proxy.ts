/**
 * The backend's side of aggregation (virt-api and other extension servers): trust the
 * X-Remote-* identity headers only on a connection whose client certificate the request-header
 * CA signed (and whose CN is an allowed front-proxy name). A bare header is never trusted.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { UserInfo } from '../contracts.js';
import { userFromIdentityHeaders } from './identity-headers.js';

function commonNameOf(cert: X509Certificate): string | undefined {
  for (const line of cert.subject.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return undefined;
}

/** Parses every certificate of a PEM bundle. */
function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
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
  const signed = parseBundle(caPem).some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  if (!signed) return false;
  const cn = commonNameOf(leaf);
  return allowedNames.length === 0 || (cn !== undefined && allowedNames.includes(cn));
}

/**
 * The caller's identity as the aggregator forwarded it, or undefined when the request did not
 * come over a connection authenticated by a request-header-CA client certificate (or names no user).
 */
export function verifyFrontProxyRequest(
  req: Pick<IncomingMessage, 'socket' | 'headersDistinct'>,
  requestHeaderCaPem: string,
  allowedNames: readonly string[],
): UserInfo | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return undefined;
  if (!isFrontProxyCertificate(peer.raw, requestHeaderCaPem, allowedNames)) return undefined;
  return userFromIdentityHeaders(req.headersDistinct);
}
