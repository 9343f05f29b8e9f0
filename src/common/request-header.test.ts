import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCa, issueClientCert } from '../cluster/pki/index.js';
import { escapeExtraKey, isFrontProxyCertificate, setIdentityHeaders, stripCallerCredentials, userFromIdentityHeaders } from './request-header.js';

test('extra keys are percent-escaped into header names and read back lower-cased', () => {
  const cases: [string, string][] = [
    ['authentication.kubernetes.io/pod-name', 'authentication.kubernetes.io%2Fpod-name'],
    ['scopes', 'scopes'],
    ['100%', '100%25'],
    ['a b', 'a%20b'],
  ];
  for (const [key, escaped] of cases) assert.equal(escapeExtraKey(key), escaped, key);
  const headers: Record<string, string | string[] | undefined> = { authorization: 'Bearer x', 'X-Remote-User': 'mallory', 'x-remote-extra-evil': 'y', 'Impersonate-Group': 'g', accept: '*/*' };
  stripCallerCredentials(headers);
  assert.deepEqual(headers, { accept: '*/*' });
  setIdentityHeaders(headers, { name: 'bob', groups: ['a', 'b'], extra: { 'Authentication.kubernetes.io/Pod-Name': ['p'] } });
  assert.deepEqual(headers, {
    accept: '*/*',
    'x-remote-user': 'bob',
    'x-remote-group': ['a', 'b'],
    'x-remote-extra-Authentication.kubernetes.io%2FPod-Name': ['p'],
  });
  const distinct = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v ?? '']]));
  assert.deepEqual(userFromIdentityHeaders(distinct), { name: 'bob', groups: ['a', 'b'], extra: { 'authentication.kubernetes.io/pod-name': ['p'] } });
});

test('identity headers: user, uid, empty values and malformed extra keys', () => {
  const cases: { name: string; headers: Record<string, string[]>; want: unknown }[] = [
    { name: 'no user', headers: { 'x-remote-group': ['a'] }, want: undefined },
    { name: 'empty user', headers: { 'x-remote-user': [''] }, want: undefined },
    { name: 'uid, empty group dropped', headers: { 'x-remote-user': ['u'], 'x-remote-uid': ['1'], 'x-remote-group': ['', 'g'] }, want: { name: 'u', uid: '1', groups: ['g'] } },
    { name: 'bad escape kept raw', headers: { 'x-remote-user': ['u'], 'x-remote-extra-a%zz': ['v'], 'x-remote-extra-A%zZ': ['w'] }, want: { name: 'u', groups: [], extra: { 'a%zz': ['v', 'w'] } } },
  ];
  for (const c of cases) assert.deepEqual(userFromIdentityHeaders(c.headers), c.want, c.name);
});

test('a front-proxy certificate must come from the request-header CA, be valid now and carry an allowed CN', async () => {
  const ca = await createCa('front-proxy-ca');
  const other = await createCa('other-ca');
  const der = (pem: string): Buffer => new X509Certificate(pem).raw;
  const proxy = der((await issueClientCert(ca, 'front-proxy-client')).certPem);
  const stranger = der((await issueClientCert(ca, 'someone')).certPem);
  const forged = der((await issueClientCert(other, 'front-proxy-client')).certPem);
  const bundle = `${other.certPem}\n${ca.certPem}`;
  const later = new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000);
  const cases: { name: string; leaf: Buffer; ca: string; names: string[]; now?: Date; want: boolean }[] = [
    { name: 'allowed CN', leaf: proxy, ca: ca.certPem, names: ['front-proxy-client'], want: true },
    { name: 'CA in a bundle', leaf: proxy, ca: bundle, names: ['front-proxy-client'], want: true },
    { name: 'CN not allowed', leaf: stranger, ca: ca.certPem, names: ['front-proxy-client'], want: false },
    { name: 'any CN when none listed', leaf: stranger, ca: ca.certPem, names: [], want: true },
    { name: 'another CA', leaf: forged, ca: ca.certPem, names: ['front-proxy-client'], want: false },
    { name: 'expired', leaf: proxy, ca: ca.certPem, names: [], now: later, want: false },
    { name: 'not a certificate', leaf: Buffer.from('junk'), ca: ca.certPem, names: [], want: false },
  ];
  for (const c of cases) assert.equal(isFrontProxyCertificate(c.leaf, c.ca, c.names, c.now), c.want, c.name);
});
