import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ServiceAccountTokens } from './service-account-tokens.js';

const dir = await mkdtemp(join(tmpdir(), 'sa-tokens-'));
after(() => rm(dir, { recursive: true, force: true }));
let nowMs = Date.parse('2026-01-01T00:00:00Z');
const tokens = await ServiceAccountTokens.open({ keyDir: dir, now: () => nowMs });

const base = { namespace: 'ns1', serviceAccountName: 'builder', serviceAccountUid: 'sa-uid', expirationSeconds: 3600 };

test('issue puts the Kubernetes claims into an RS256 token', async () => {
  const issued = await tokens.issue({ ...base, boundObject: { kind: 'Pod', name: 'p1', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' } });
  const header = decodeProtectedHeader(issued.token);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.kid, tokens.keyId);
  const claims = decodeJwt(issued.token);
  assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(claims.sub, 'system:serviceaccount:ns1:builder');
  assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(claims.exp, nowMs / 1000 + 3600);
  assert.equal(claims.iat, nowMs / 1000);
  assert.equal(claims.nbf, nowMs / 1000);
  assert.deepEqual(claims['kubernetes.io'], {
    namespace: 'ns1',
    serviceaccount: { name: 'builder', uid: 'sa-uid' },
    pod: { name: 'p1', uid: 'pod-uid' },
    node: { name: 'n1', uid: 'node-uid' },
  });
  assert.equal(issued.expirationTimestamp, '2026-01-01T01:00:00Z');
});

test('verify returns the ServiceAccount user with groups and pod extras', async () => {
  const issued = await tokens.issue({ ...base, boundObject: { kind: 'Pod', name: 'p1', uid: 'pod-uid' } });
  const user = await tokens.verify(issued.token);
  assert.deepEqual(user, {
    name: 'system:serviceaccount:ns1:builder',
    uid: 'sa-uid',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
    extra: {
      'authentication.kubernetes.io/pod-name': ['p1'],
      'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      'authentication.kubernetes.io/credential-id': [`JTI=${issued.claims.jti}`],
    },
  });
});

test('review rejects expired, foreign-audience, invalidated and tampered tokens with upstream reasons', async () => {
  const plain = await tokens.issue(base);
  const vault = await tokens.issue({ ...base, audiences: ['vault'] });
  const cases: { name: string; token: string; opts?: Parameters<typeof tokens.review>[1]; at?: number; want: string | true }[] = [
    { name: 'valid', token: plain.token, want: true },
    { name: 'inside the 60 s leeway', token: plain.token, at: nowMs + 3650_000, want: true },
    { name: 'expired', token: plain.token, at: nowMs + 3700_000, want: 'service account token has expired' },
    { name: 'not yet valid', token: plain.token, at: nowMs - 120_000, want: 'service account token is not valid yet' },
    {
      name: 'audience mismatch',
      token: vault.token,
      want: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
    },
    { name: 'requested audience', token: vault.token, opts: { audiences: ['other', 'vault'] }, want: true },
    { name: 'deleted sa (boolean)', token: plain.token, opts: { isStillValid: () => false }, want: 'service account token has been invalidated' },
    {
      name: 'deleted sa (reason)',
      token: plain.token,
      opts: { isStillValid: (c) => (c['kubernetes.io'].serviceaccount.uid === 'sa-uid' ? 'service account ns1/builder has been deleted' : true) },
      want: 'service account ns1/builder has been deleted',
    },
    { name: 'tampered', token: plain.token.slice(0, -4) + 'AAAA', want: 'invalid signature' },
  ];
  const saved = nowMs;
  for (const c of cases) {
    nowMs = c.at ?? saved;
    const r = await tokens.review(c.token, c.opts);
    nowMs = saved;
    if (c.want === true) assert.equal(r.ok, true, `${c.name}: ${r.ok ? '' : r.error}`);
    else assert.deepEqual(r, { ok: false, error: c.want }, c.name);
  }
  const vr = await tokens.review(vault.token, { audiences: ['other', 'vault'] });
  assert.ok(vr.ok);
  assert.deepEqual(vr.audiences, ['vault']);
});

test('the key pair persists in the directory and other keys are not trusted', async () => {
  const issued = await tokens.issue(base);
  const reopened = await ServiceAccountTokens.open({ keyDir: dir, now: () => nowMs });
  assert.equal(reopened.keyId, tokens.keyId);
  assert.ok(await reopened.verify(issued.token));
  assert.equal((await stat(join(dir, 'sa.key'))).mode & 0o777, 0o600);
  const otherDir = await mkdtemp(join(tmpdir(), 'sa-tokens-other-'));
  try {
    const other = await ServiceAccountTokens.open({ keyDir: otherDir, now: () => nowMs });
    assert.equal(await other.verify(issued.token), undefined);
    const jwks = await tokens.jwks();
    assert.equal(jwks.keys[0]?.kid, tokens.keyId);
    assert.equal(jwks.keys[0]?.kty, 'RSA');
  } finally {
    await rm(otherDir, { recursive: true, force: true });
  }
});

test('an ECDSA sa.key (as the cluster PKI writes it) signs ES256 tokens', async () => {
  const ecDir = await mkdtemp(join(tmpdir(), 'sa-tokens-ec-'));
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await writeFile(join(ecDir, 'sa.key'), privateKey, { mode: 0o600 });
    const ec = await ServiceAccountTokens.open({ keyDir: ecDir });
    assert.equal(ec.algorithm, 'ES256');
    const issued = await ec.issue(base);
    assert.equal(decodeProtectedHeader(issued.token).alg, 'ES256');
    assert.equal((await ec.verify(issued.token))?.name, 'system:serviceaccount:ns1:builder');
    assert.equal(await tokens.verify(issued.token), undefined);
  } finally {
    await rm(ecDir, { recursive: true, force: true });
  }
});
