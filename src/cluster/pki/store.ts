/**
 * The control plane's PKI on disk: PEM files under one directory, created on first start and
 * reloaded on every restart so kubeconfigs and issued certificates stay valid.
 */
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { servingCertRenewalReason } from './renewal.js';
import { createCa, issueClientCert, issueServerCert, loadCa, type CertificateAuthority, type CertKeyPem } from './certs.js';

/** Everything the API server and its clients need, loaded from (or created under) one directory. */
export interface ClusterPki {
  readonly dir: string;
  /** Signs server and client certificates; clients trust it. */
  readonly ca: CertificateAuthority;
  /** The API server's serving certificate. */
  readonly server: CertKeyPem;
  /** The request-header ("front-proxy") CA; aggregated API servers trust requests signed by it. */
  readonly frontProxyCa: CertificateAuthority;
  /** The aggregator's client certificate (CN front-proxy-client), signed by frontProxyCa. */
  readonly frontProxyClient: CertKeyPem;
  /** A cluster-admin client certificate (O=system:masters) for the admin kubeconfig. */
  readonly admin: CertKeyPem;
}

/** Options for loadOrCreatePki; dnsNames are added to the serving certificate's SANs. */
export interface PkiOptions {
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

async function readMaybe(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes a file atomically (temp + rename) with owner-only permissions. */
async function writeSecret(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

async function pair(dir: string, name: string, make: () => Promise<CertKeyPem>): Promise<CertKeyPem> {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const [certPem, keyPem] = await Promise.all([readMaybe(crt), readMaybe(key)]);
  if (certPem && keyPem) return { certPem, keyPem };
  const made = await make();
  await writeSecret(key, made.keyPem);
  await writeSecret(crt, made.certPem);
  return made;
}

/** Loads the CA named `name` from `dir`, creating it when absent. */
export async function loadOrCreateCa(dir: string, name: string, commonName: string): Promise<CertificateAuthority> {
  const p = await pair(dir, name, async () => {
    const ca = await createCa(commonName);
    return { certPem: ca.certPem, keyPem: ca.keyPem };
  });
  return loadCa(p.certPem, p.keyPem);
}

/**
 * Loads the cluster PKI from `dir` (e.g. DATA_DIR/pki), creating whatever is missing; the serving
 * certificate is reissued from the same CA when it lacks a required name or expires within 30 days.
 */
export async function loadOrCreatePki(dir: string, opts: PkiOptions = {}): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateCa(dir, 'ca', 'kubevirt-ts-ca');
  const frontProxyCa = await loadOrCreateCa(dir, 'front-proxy-ca', 'kubevirt-ts-front-proxy-ca');
  const dnsNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...(opts.dnsNames ?? [])];
  const issueServing = (): Promise<CertKeyPem> => issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames, ipAddresses: opts.ipAddresses });
  let server = await pair(dir, 'apiserver', issueServing);
  const want = { dnsNames: ['localhost', ...dnsNames], ipAddresses: ['127.0.0.1', ...(opts.ipAddresses ?? [])] };
  if (await servingCertRenewalReason(server.certPem, ca, want)) {
    server = await issueServing();
    await writeSecret(join(dir, 'apiserver.key'), server.keyPem);
    await writeSecret(join(dir, 'apiserver.crt'), server.certPem);
  }
  const frontProxyClient = await pair(dir, 'front-proxy-client', () => issueClientCert(frontProxyCa, 'front-proxy-client'));
  const admin = await pair(dir, 'admin', () => issueClientCert(ca, 'kubernetes-admin', ['system:masters']));
  return { dir, ca, server, frontProxyCa, frontProxyClient, admin };
}
