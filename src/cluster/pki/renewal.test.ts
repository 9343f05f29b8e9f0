import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCa, issueServerCert, verifiedBy } from './certs.js';
import { sansOf, servingCertRenewalReason } from './renewal.js';
import { loadOrCreatePki } from './store.js';

const want = { dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1', '10.96.0.1'] };

test('servingCertRenewalReason names what a stored serving certificate lacks', async () => {
  const ca = await createCa('test-ca');
  const other = await createCa('other-ca');
  const cases: { name: string; make: () => Promise<{ certPem: string }>; want: RegExp | undefined }[] = [
    { name: 'complete', make: () => issueServerCert(ca, { dnsNames: ['kubernetes.default.svc'], ipAddresses: ['10.96.0.1'] }), want: undefined },
    { name: 'IPv6 spelled differently', make: () => issueServerCert(ca, { dnsNames: ['KUBERNETES.default.svc'], ipAddresses: ['10.96.0.1', 'fd00:0:0:0:0:0:0:1'] }), want: undefined },
    { name: 'no service IP', make: () => issueServerCert(ca, { dnsNames: ['kubernetes.default.svc'] }), want: /lack 10\.96\.0\.1$/ },
    { name: 'no service names', make: () => issueServerCert(ca, { ipAddresses: ['10.96.0.1'] }), want: /lack kubernetes\.default\.svc$/ },
    { name: 'expiring', make: () => issueServerCert(ca, { dnsNames: ['kubernetes.default.svc'], ipAddresses: ['10.96.0.1'], days: 10 }), want: /^it expires at / },
    { name: 'foreign CA', make: () => issueServerCert(other, { dnsNames: ['kubernetes.default.svc'], ipAddresses: ['10.96.0.1'] }), want: /not signed by the cluster CA/ },
    { name: 'garbage', make: () => Promise.resolve({ certPem: 'not a certificate' }), want: /cannot be parsed/ },
  ];
  for (const c of cases) {
    const reason = await servingCertRenewalReason((await c.make()).certPem, ca, c.name.startsWith('IPv6') ? { ...want, ipAddresses: [...want.ipAddresses, 'fd00::1'] } : want);
    if (c.want) assert.match(reason ?? '', c.want, c.name);
    else assert.equal(reason, undefined, c.name);
  }
});

test('loadOrCreatePki reissues a serving certificate made without the service SANs, from the same CA', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pki-renew-'));
  try {
    const first = await loadOrCreatePki(dir);
    // A data dir from before the service IP was required: its certificate lacks 10.96.0.1.
    const old = await issueServerCert(first.ca, { commonName: 'kube-apiserver', dnsNames: ['kubernetes'] });
    await writeFile(join(dir, 'apiserver.crt'), old.certPem);
    await writeFile(join(dir, 'apiserver.key'), old.keyPem);
    assert.deepEqual(sansOf(old.certPem).ipAddresses, ['127.0.0.1']);

    const next = await loadOrCreatePki(dir, { ipAddresses: ['10.96.0.1'] });
    assert.equal(next.ca.certPem, first.ca.certPem, 'the CA is kept');
    assert.equal(next.admin.certPem, first.admin.certPem, 'client certificates are kept');
    assert.notEqual(next.server.certPem, old.certPem);
    const cert = new X509Certificate(next.server.certPem);
    assert.equal(cert.checkIP('10.96.0.1'), '10.96.0.1');
    for (const host of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) assert.equal(cert.checkHost(host), host);
    assert.equal(await verifiedBy(next.server.certPem, first.ca), true);
    assert.equal(await readFile(join(dir, 'apiserver.crt'), 'utf8'), next.server.certPem, 'the new certificate is persisted');
    assert.ok(cert.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'apiserver.key'), 'utf8'))), 'with its key');

    const again = await loadOrCreatePki(dir, { ipAddresses: ['10.96.0.1'] });
    assert.equal(again.server.certPem, next.server.certPem, 'a complete certificate is not reissued');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
