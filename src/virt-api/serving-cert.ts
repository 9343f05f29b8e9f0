/**
 * A self-signed serving certificate for virt-api when no --tls-cert-file is given: ECDSA P-256,
 * its own CA (so its PEM is the webhook caBundle), SANs for the service names and loopback.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill.
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface ServingCert {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Default names virt-api answers to: its Service in `namespace`, and loopback for the embedded cluster. */
export const servingNames = (namespace = 'kubevirt'): string[] => ['virt-api', `virt-api.${namespace}`, `virt-api.${namespace}.svc`, 'localhost', '127.0.0.1'];

/** Generates a self-signed certificate valid for `days` days for DNS names and IP addresses in `names`. */
export async function selfSignedServingCert(names: readonly string[] = servingNames(), days = 365): Promise<ServingCert> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const now = Date.now();
  const isIP = (n: string) => /^[\d.]+$/.test(n) || n.includes(':');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [names[0] ?? 'virt-api'] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + days * 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) ? ('ip' as const) : ('dns' as const), value: n }))),
    ],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(der, 'PRIVATE KEY') };
}
