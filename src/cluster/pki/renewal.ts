/**
 * When a stored serving certificate must be reissued: it lacks a subject alternative name the
 * server now needs (data dirs made before the `kubernetes` Service names were added), it was not
 * signed by the current CA, or it expires soon. Reissuing keeps the CA, so kubeconfigs stay valid.
 */
import * as x509 from '@peculiar/x509';
import ipaddr from 'ipaddr.js';
import type { CertificateAuthority } from './certs.js';

/** Reissue a serving certificate this long before it expires. */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The names a serving certificate must carry. */
export interface RequiredSans {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** One spelling per address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function normalIp(ip: string): string {
  try {
    return ipaddr.process(ip).toNormalizedString();
  } catch {
    return ip;
  }
}

/** The DNS and IP subject alternative names of a PEM certificate. */
export function sansOf(certPem: string): RequiredSans {
  const ext = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const items = ext?.names.items ?? [];
  return {
    dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    ipAddresses: items.filter((n) => n.type === 'ip').map((n) => normalIp(n.value)),
  };
}

/** Why `certPem` must be reissued, or undefined when it still serves. */
export async function servingCertRenewalReason(certPem: string, ca: CertificateAuthority, want: RequiredSans, now = new Date(), renewBeforeMs = RENEW_BEFORE_MS): Promise<string | undefined> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
  } catch {
    return 'the certificate cannot be parsed';
  }
  if (cert.notAfter.getTime() - now.getTime() < renewBeforeMs) return `it expires at ${cert.notAfter.toISOString()}`;
  if (now < cert.notBefore) return `it is not valid before ${cert.notBefore.toISOString()}`;
  const ok = await cert.verify({ publicKey: await ca.cert.publicKey.export(), signatureOnly: true }).catch(() => false);
  if (!ok) return 'it was not signed by the cluster CA';
  const have = sansOf(certPem);
  const missing = [
    ...want.dnsNames.filter((d) => !have.dnsNames.includes(d.toLowerCase())),
    ...want.ipAddresses.filter((ip) => !have.ipAddresses.includes(normalIp(ip))),
  ];
  return missing.length ? `its subject alternative names lack ${missing.join(', ')}` : undefined;
}
