import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregatedGroups } from './apiservice.js';
import { escapeExtraKey, setIdentityHeaders, stripCallerCredentials, userFromIdentityHeaders } from './identity-headers.js';

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
  assert.equal(userFromIdentityHeaders({ 'x-remote-group': ['a'] }), undefined);
});

test('aggregatedGroups lists aggregated groups with versions by priority', () => {
  const s = (version: string, versionPriority: number, service: unknown = { namespace: 'kubevirt', name: 'api' }) => ({
    metadata: { name: `${version}.subresources.kubevirt.io` },
    spec: { group: 'subresources.kubevirt.io', version, versionPriority, service },
  });
  assert.deepEqual(aggregatedGroups([s('v1alpha3', 10), s('v1', 15), { spec: { group: 'apps', version: 'v1', service: null } }]), [
    {
      name: 'subresources.kubevirt.io',
      versions: [
        { groupVersion: 'subresources.kubevirt.io/v1', version: 'v1' },
        { groupVersion: 'subresources.kubevirt.io/v1alpha3', version: 'v1alpha3' },
      ],
      preferredVersion: { groupVersion: 'subresources.kubevirt.io/v1', version: 'v1' },
    },
  ]);
});
