import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createCa, identityOf, issueClientCert, issueServerCert, loadCa, verifiedBy } from './certs.js';
import { loadOrCreatePki } from './store.js';

test('client certificate carries CN as user and O as groups, signed by the CA', async () => {
  const ca = await createCa('test-ca');
  const c = await issueClientCert(ca, 'system:node:n1', ['system:nodes', 'system:authenticated']);
  assert.deepEqual(identityOf(c.certPem), { user: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] });
  assert.equal(await verifiedBy(c.certPem, ca), true);
  const other = await createCa('other');
  assert.equal(await verifiedBy(c.certPem, other), false);
});

test('server certificate has 127.0.0.1, localhost and extra DNS names; node verifies it against the CA', async () => {
  const ca = await createCa('test-ca');
  const s = await issueServerCert(ca, { dnsNames: ['virt-api.kubevirt.svc'] });
  const cert = new X509Certificate(s.certPem);
  assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
  assert.match(cert.subjectAltName ?? '', /DNS:virt-api\.kubevirt\.svc/);
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.verify(new X509Certificate(ca.certPem).publicKey), true);
  assert.equal(new X509Certificate(ca.certPem).ca, true);
});

test('a CA reloaded from PEM still signs verifiable certificates', async () => {
  const ca = await createCa('test-ca');
  const again = await loadCa(ca.certPem, ca.keyPem);
  const c = await issueClientCert(again, 'alice');
  assert.equal(await verifiedBy(c.certPem, ca), true);
});

test('loadOrCreatePki persists everything and reloads the same material', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pki-'));
  try {
    const a = await loadOrCreatePki(dir, { dnsNames: ['example.local'] });
    const b = await loadOrCreatePki(dir);
    assert.equal(b.ca.certPem, a.ca.certPem);
    assert.equal(b.server.certPem, a.server.certPem);
    assert.equal(b.admin.keyPem, a.admin.keyPem);
    assert.deepEqual(identityOf(a.admin.certPem).groups, ['system:masters']);
    assert.equal(await verifiedBy(a.frontProxyClient.certPem, a.frontProxyCa), true);
    assert.equal(await verifiedBy(a.frontProxyClient.certPem, a.ca), false);
    assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
