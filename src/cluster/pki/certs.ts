/**
 * Certificates for the embedded control plane: a CA, server certificates and client certificates
 * (CN = user, O = groups, as kube-apiserver reads them). ECDSA P-256 keys via node's webcrypto.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill.
import { webcrypto, randomBytes } from 'node:crypto';
import type { webcrypto as wc } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = wc.CryptoKey;
type CryptoKeyPair = wc.CryptoKeyPair;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const keyAlg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signAlg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A CA able to sign certificates: its certificate and private key, parsed and as PEM. */
export interface CertificateAuthority {
  readonly cert: x509.X509Certificate;
  readonly key: CryptoKey;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A leaf certificate and its private key, as PEM. */
export interface CertKeyPem {
  readonly certPem: string;
  readonly keyPem: string;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // positive
  return b.toString('hex');
}

async function keyPemOf(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function newKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(keyAlg, true, ['sign', 'verify']);
}

/** Creates a self-signed CA valid for `years` years (default 10). */
export async function createCa(commonName: string, years = 10): Promise<CertificateAuthority> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [commonName] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + years * 365 * DAY_MS),
    keys,
    signingAlgorithm: signAlg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, certPem: cert.toString('pem'), keyPem: await keyPemOf(keys.privateKey) };
}

/** Parses a CA from its PEM certificate and PKCS#8 PEM key (as written by createCa). */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const key = await crypto.subtle.importKey('pkcs8', der, keyAlg, true, ['sign']);
  return { cert, key, certPem, keyPem };
}

async function issue(
  ca: CertificateAuthority,
  subject: x509.JsonName,
  extensions: x509.Extension[],
  days: number,
): Promise<CertKeyPem> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: signAlg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      ...extensions,
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPemOf(keys.privateKey) };
}

/** Options for a serving certificate. 127.0.0.1 and localhost are always included. */
export interface ServerCertOptions {
  readonly commonName?: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly days?: number;
}

/** Issues a TLS server certificate signed by `ca` with SANs 127.0.0.1, localhost and the given names. */
export async function issueServerCert(ca: CertificateAuthority, opts: ServerCertOptions = {}): Promise<CertKeyPem> {
  const dns = [...new Set(['localhost', ...(opts.dnsNames ?? [])])];
  const ips = [...new Set(['127.0.0.1', ...(opts.ipAddresses ?? [])])];
  const san = new x509.SubjectAlternativeNameExtension([
    ...dns.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ]);
  const eku = new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]);
  return issue(ca, [{ CN: [opts.commonName ?? dns[1] ?? 'localhost'] }], [san, eku], opts.days ?? 3650);
}

/** Issues a client certificate: CN = user, one O per group (how kube-apiserver maps x509 identities). */
export async function issueClientCert(
  ca: CertificateAuthority,
  user: string,
  groups: readonly string[] = [],
  days = 3650,
): Promise<CertKeyPem> {
  const subject: x509.JsonName = [{ CN: [user] }, ...groups.map((g) => ({ O: [g] }))];
  const eku = new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]);
  return issue(ca, subject, [eku], days);
}

/** The identity a client certificate asserts: CN and the O values, in order. */
export function identityOf(certPemOrDer: string | Uint8Array): { user: string; groups: string[] } {
  const cert = new x509.X509Certificate(certPemOrDer);
  const json = cert.subjectName.toJSON();
  let user = '';
  const groups: string[] = [];
  for (const rdn of json) {
    for (const v of rdn.CN ?? []) user ||= v;
    for (const v of rdn.O ?? []) groups.push(v);
  }
  return { user, groups };
}

/** True when `certPem` was signed by `ca` and is within its validity period. */
export async function verifiedBy(certPem: string, ca: CertificateAuthority, at = new Date()): Promise<boolean> {
  const cert = new x509.X509Certificate(certPem);
  if (at < cert.notBefore || at > cert.notAfter) return false;
  return cert.verify({ publicKey: await ca.cert.publicKey.export(), signatureOnly: true });
}
