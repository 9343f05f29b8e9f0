/**
 * Who is calling: virt-api trusts the X-Remote-User / X-Remote-Group / X-Remote-Extra-* headers
 * only on a TLS connection whose client certificate the request-header CA signed (and whose CN is
 * an allowed front-proxy name), as kube-apiserver's request-header authenticator does. A bare
 * header on any other connection is ignored.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';

/** The authenticated caller. */
export interface Caller {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** Where the request-header CA and allowed names come from (the extension-apiserver-authentication ConfigMap upstream). */
export interface RequestHeaderConfig {
  /** PEM bundle of the request-header client CA. */
  readonly caPem: string;
  /** Allowed CNs of the front proxy's certificate; empty allows any CN the CA signed. */
  readonly allowedNames: readonly string[];
}

function parseBundle(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) => new X509Certificate(b));
}

const commonName = (cert: X509Certificate): string | undefined =>
  cert.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);

/** True when `der` is a currently valid certificate signed by a CA of the bundle with an allowed CN. */
export function trustedProxyCertificate(der: Buffer, cfg: RequestHeaderConfig, now = new Date()): boolean {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(der);
  } catch {
    return false;
  }
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) return false;
  if (!parseBundle(cfg.caPem).some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey))) return false;
  const cn = commonName(leaf);
  return cfg.allowedNames.length === 0 || (cn !== undefined && cfg.allowedNames.includes(cn));
}

/** The identity in request-header form (Node's `headersDistinct`); undefined without a user. */
export function callerFromHeaders(headers: Readonly<Record<string, readonly string[] | undefined>>): Caller | undefined {
  const name = headers['x-remote-user']?.find((v) => v.length > 0);
  if (!name) return undefined;
  const uid = headers['x-remote-uid']?.[0];
  const extra: Record<string, string[]> = {};
  for (const [h, values] of Object.entries(headers)) {
    if (!h.startsWith('x-remote-extra-') || !values) continue;
    let key = h.slice('x-remote-extra-'.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // keep the raw key
    }
    key = key.toLowerCase();
    extra[key] = [...(extra[key] ?? []), ...values];
  }
  return { name, ...(uid ? { uid } : {}), groups: (headers['x-remote-group'] ?? []).filter((g) => g.length > 0), extra };
}

/** The caller of `req`, or undefined when the connection is not a trusted front proxy's. */
export function authenticate(req: Pick<IncomingMessage, 'socket' | 'headersDistinct'>, cfg: RequestHeaderConfig): Caller | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer?.raw || !trustedProxyCertificate(peer.raw, cfg)) return undefined;
  return callerFromHeaders(req.headersDistinct);
}
