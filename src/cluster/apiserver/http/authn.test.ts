import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createCa, issueClientCert, issueServerCert } from '../../pki/index.js';
import { asksImpersonation, certificateUser, identityOf, subjectIdentity } from './authn.js';
import { parseImpersonation } from '../authn/impersonation.js';

test('asksImpersonation: any Impersonate-* header, whatever its case; agrees with parseImpersonation', () => {
  const cases: [string[], boolean][] = [
    [[], false],
    [['Host', 'x', 'User-Agent', 'kubectl/v1.31'], false],
    [['Impersonate-User', 'jane'], true],
    [['impersonate-group', 'devs'], true],
    [['IMPERSONATE-UID', '42'], true],
    [['Impersonate-Extra-scopes', 'view'], true],
    [['Host', 'x', 'Impersonate-User', ''], true],
    [['X-Impersonate-User', 'jane'], false],
    [['Impersonate-', 'x'], false],
  ];
  for (const [raw, want] of cases) {
    assert.equal(asksImpersonation(raw), want, JSON.stringify(raw));
    // When it says no, the full parse finds nothing either (so skipping it changes nothing).
    if (!want) {
      const distinct: Record<string, string[]> = {};
      for (let i = 0; i < raw.length; i += 2) (distinct[(raw[i] as string).toLowerCase()] ??= []).push(raw[i + 1] as string);
      assert.equal(parseImpersonation(distinct), undefined, JSON.stringify(raw));
    }
  }
});

test('certificateUser: the identity read from the X509 subject text equals getPeerCertificate()\'s, escapes included', async () => {
  const ca = await createCa('authn-ca');
  const srv = await issueServerCert(ca);
  const subjects: [string, string[]][] = [
    ['system:node:node01', ['system:nodes']],
    ['admin', ['system:masters', 'system:authenticated']],
    ['jane', []],
    ['ünïcode user', ['grüppe', 'a=b']],
    ['esc,aped+"cn"', ['o;with<specials>', ' lead', 'trail ', 'x#y']],
    ['', ['nameless']],
  ];
  let accept!: (s: TLSSocket) => void;
  const server = createTlsServer({ cert: srv.certPem, key: srv.keyPem, ca: ca.certPem, requestCert: true }, (s) => accept(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    for (const [user, groups] of subjects) {
      const cert = await issueClientCert(ca, user, groups);
      const accepted = new Promise<TLSSocket>((resolve) => (accept = resolve));
      const client = connect({ port, host: '127.0.0.1', ca: ca.certPem, cert: cert.certPem, key: cert.keyPem, servername: 'localhost' });
      const sock = await accepted;
      try {
        assert.equal(sock.authorized, true);
        const want = identityOf(sock.getPeerCertificate().subject);
        assert.deepEqual(certificateUser({ socket: sock } as unknown as IncomingMessage), want, user);
        const text = sock.getPeerX509Certificate()?.subject ?? '';
        const fast = subjectIdentity(text);
        // Plain subjects take the fast path; escaped ones fall back to getPeerCertificate().
        if (!/[,+"<>;#\\]|^ | $/.test([user, ...groups].join('\n'))) assert.notEqual(fast, undefined, text);
        if (fast !== undefined) assert.deepEqual(fast ?? undefined, want, text);
      } finally {
        client.destroy();
        sock.destroy();
      }
    }
  } finally {
    server.close();
  }
});

test('subjectIdentity: the first CN, every O in order; no CN is no identity; escapes and multi-valued names are not read', () => {
  assert.deepEqual(subjectIdentity('CN=u\nO=a\nO=b'), { name: 'u', groups: ['a', 'b', 'system:authenticated'] });
  assert.deepEqual(subjectIdentity('O=a\nCN=u\nCN=v\nOU=x'), { name: 'u', groups: ['a', 'system:authenticated'] });
  assert.equal(subjectIdentity('O=a'), null);
  assert.equal(subjectIdentity('CN='), null);
  assert.equal(subjectIdentity('CN=a\\,b'), undefined);
  assert.equal(subjectIdentity('CN=a + O=b'), undefined);
  assert.equal(subjectIdentity(''), undefined);
});
