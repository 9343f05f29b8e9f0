/**
 * The certificate half of the request-header authentication protocol (kube-apiserver's
 * requestheader authenticator): a backend trusts X-Remote-* identity headers only on a TLS
 * connection whose client certificate the request-header CA signed, with an allowed CN.
 * Shared by the aggregator's backend side and virt-api.
 */
import { X509Certificate } from 'node:crypto';
import { TLSSocket } from 'node:tls';

/** Parses every certificate of a PEM bundle. */
function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function commonNameOf(cert: X509Certificate): string | undefined {
  return cert.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3);
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

/** True when the request came over TLS with a client certificate that isFrontProxyCertificate accepts. */
export function fromFrontProxy(socket: unknown, caPem: string, allowedNames: readonly string[]): boolean {
  if (!(socket instanceof TLSSocket)) return false;
  const peer = socket.getPeerCertificate();
  return Boolean(peer?.raw) && isFrontProxyCertificate(peer.raw, caPem, allowedNames);
}
