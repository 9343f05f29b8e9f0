import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, forbiddenError } from '../../../api/meta/index.js';
import type { RequestAttributes, UserInfo } from '../contracts.js';
import { impersonate, impersonatedUser, impersonationChecks, parseImpersonation } from './impersonation.js';

const admin: UserInfo = { name: 'admin', groups: ['system:authenticated'] };
const describe = (a: RequestAttributes): string =>
  `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace ? `${a.namespace}/` : ''}${a.name}`;

test('parses every Impersonate-* header; none means no impersonation', () => {
  assert.equal(parseImpersonation({ 'user-agent': ['kubectl'] }), undefined);
  assert.deepEqual(
    parseImpersonation({
      'impersonate-user': ['jane'],
      'impersonate-group': ['dev', 'ops'],
      'impersonate-uid': ['u-1'],
      'impersonate-extra-scopes': ['view', 'edit'],
      'impersonate-extra-example.com%2fteam': ['a'],
    }),
    { user: 'jane', groups: ['dev', 'ops'], uid: 'u-1', extra: { scopes: ['view', 'edit'], 'example.com/team': ['a'] } },
  );
});

test('checks: users, service accounts in their namespace, groups, userextras/KEY and uids', () => {
  const table: { headers: Record<string, string[]>; want: string[] }[] = [
    { headers: { 'impersonate-user': ['jane'] }, want: ['impersonate /users jane'] },
    { headers: { 'impersonate-user': ['system:serviceaccount:ns1:bot'] }, want: ['impersonate /serviceaccounts ns1/bot'] },
    {
      headers: { 'impersonate-user': ['jane'], 'impersonate-group': ['dev'], 'impersonate-extra-scopes': ['s1'], 'impersonate-uid': ['42'] },
      want: ['impersonate /users jane', 'impersonate /groups dev', 'impersonate authentication.k8s.io/userextras/scopes s1', 'impersonate authentication.k8s.io/uids 42'],
    },
  ];
  for (const { headers, want } of table) {
    assert.deepEqual(impersonationChecks(admin, parseImpersonation(headers)!).map(describe), want);
  }
});

test('the impersonated identity: service-account groups, system:authenticated added as upstream adds it', () => {
  const table: { user: string; groups: string[]; want: string[] }[] = [
    { user: 'jane', groups: [], want: ['system:authenticated'] },
    { user: 'jane', groups: ['dev'], want: ['dev', 'system:authenticated'] },
    { user: 'system:serviceaccount:ns1:bot', groups: [], want: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] },
    { user: 'system:serviceaccount:ns1:bot', groups: ['g'], want: ['g', 'system:authenticated'] },
    { user: 'system:anonymous', groups: [], want: [] },
    { user: 'jane', groups: ['system:unauthenticated'], want: ['system:unauthenticated'] },
  ];
  for (const { user, groups, want } of table) {
    assert.deepEqual(impersonatedUser({ user, groups, extra: {} }).groups, want, user);
  }
});

test('impersonate: allowed, denied with the first denied check, and groups without a user', () => {
  const allowed = new Set(['impersonate /users jane', 'impersonate /groups dev']);
  const authorize = (a: RequestAttributes) => ({ allowed: allowed.has(describe(a)), reason: '' });
  const forbidden = (a: RequestAttributes) => forbiddenError(`${a.resource} "${a.name}" is forbidden`);
  assert.equal(impersonate({}, admin, authorize, forbidden), admin);
  assert.deepEqual(impersonate({ 'impersonate-user': ['jane'], 'impersonate-group': ['dev'] }, admin, authorize, forbidden), {
    name: 'jane',
    groups: ['dev', 'system:authenticated'],
  });
  assert.throws(
    () => impersonate({ 'impersonate-user': ['jane'], 'impersonate-group': ['ops'] }, admin, authorize, forbidden),
    (e: unknown) => e instanceof StatusError && e.code === 403 && e.message === 'groups "ops" is forbidden',
  );
  assert.throws(
    () => impersonate({ 'impersonate-group': ['dev'] }, admin, authorize, forbidden),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'requested [Group dev] without impersonating a user',
  );
});
