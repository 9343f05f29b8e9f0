import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCa, issueClientCert } from '../pki/index.js';
import { secureContextFor } from './tls-contexts.js';

test('secureContextFor: one context per distinct CA, certificate and key', async () => {
  const [a, b] = await Promise.all([createCa('ca-a'), createCa('ca-b')]);
  const client = await issueClientCert(a, 'front-proxy');
  const cases = [{ ca: a.certPem }, { ca: b.certPem }, { cert: client.certPem, key: client.keyPem }, { ca: a.certPem, cert: client.certPem, key: client.keyPem }];
  const made = cases.map((m) => secureContextFor(m));
  cases.forEach((m, i) => assert.equal(secureContextFor({ ...m }), made[i], `same material, same context (${i})`));
  assert.equal(new Set(made).size, cases.length, 'different material, different contexts');
});
