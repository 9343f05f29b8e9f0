import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import tls, { type TLSSocket } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { createCa, issueClientCert, issueServerCert } from '../cluster/pki/certs.js';
import { renderKubeconfig } from '../cluster/pki/kubeconfig.js';
import { KubeClient } from './kube-client.js';

test('KubeClient: every connection presents the client certificate, from one SecureContext made once', async () => {
  const ca = await createCa('test-ca');
  const serving = await issueServerCert(ca);
  const client = await issueClientCert(ca, 'alice', ['devs']);
  const sockets = new Set<TLSSocket>();
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const sock = req.socket as TLSSocket;
    sockets.add(sock);
    const cn = sock.getPeerCertificate().subject?.CN;
    // Hold each answer a little so concurrent requests need several connections.
    setTimeout(() => res.end(JSON.stringify({ user: cn })), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig({ server: `https://127.0.0.1:${port}`, caPem: ca.certPem, credentials: client }));
  const contexts = mock.method(tls, 'createSecureContext');
  const kube = await KubeClient.fromConfig(kc);
  try {
    const made = contexts.mock.callCount();
    const answers = await Promise.all(Array.from({ length: 4 }, () => kube.get<{ user: string }>('/x')));
    assert.deepEqual(answers.map((a) => a.user), ['alice', 'alice', 'alice', 'alice']);
    assert.ok(sockets.size >= 2, `expected several connections, got ${sockets.size}`);
    assert.equal(made, 1, 'one SecureContext for the client');
    assert.equal(contexts.mock.callCount(), made, 'no SecureContext per connection');
  } finally {
    contexts.mock.restore();
    kube.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
