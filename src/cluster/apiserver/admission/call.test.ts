import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import tls from 'node:tls';
import { createCa, issueServerCert } from '../../pki/index.js';
import { secureContextFor } from '../tls-contexts.js';
import { postJson, type CallTarget } from './call.js';

test('postJson: new connections reuse the CA bundle\'s context, and a wrong CA still fails verification', async () => {
  const [ca, other] = await Promise.all([createCa('hook-ca'), createCa('other-ca')]);
  const cert = await issueServerCert(ca, { dnsNames: ['hook.ns.svc'] });
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const target: CallTarget = { host: '127.0.0.1', port, servername: 'hook.ns.svc', path: '/', url: `https://hook.ns.svc:${port}/` };
  secureContextFor({ ca: ca.certPem });
  const contexts = mock.method(tls, 'createSecureContext');
  try {
    // No agent: every call opens a new connection.
    for (let i = 0; i < 3; i++) assert.deepEqual(await postJson(target, { i }, { ca: ca.certPem, timeoutMs: 10_000 }), { ok: true });
    assert.equal(contexts.mock.callCount(), 0, 'no SecureContext per connection');
    await assert.rejects(postJson(target, {}, { ca: other.certPem, timeoutMs: 10_000 }), /Post "https:\/\/hook\.ns\.svc:\d+\/": .*certificate/);
  } finally {
    contexts.mock.restore();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
