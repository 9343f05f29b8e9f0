import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { userFromCertificate } from './certificate.js';

const cert = (subject: Record<string, string | string[]>): PeerCertificate => ({ subject }) as unknown as PeerCertificate;

test('userFromCertificate maps CN to the user and each O to a group', () => {
  const cases: { name: string; subject: Record<string, string | string[]>; want: unknown }[] = [
    { name: 'user only', subject: { CN: 'alice' }, want: { name: 'alice', groups: ['system:authenticated'] } },
    { name: 'one group', subject: { CN: 'admin', O: 'system:masters' }, want: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
    { name: 'several groups', subject: { CN: 'bob', O: ['dev', 'ops'] }, want: { name: 'bob', groups: ['dev', 'ops', 'system:authenticated'] } },
    { name: 'authenticated group not doubled', subject: { CN: 'c', O: 'system:authenticated' }, want: { name: 'c', groups: ['system:authenticated'] } },
    { name: 'no CN', subject: { O: 'dev' }, want: undefined },
  ];
  for (const c of cases) assert.deepEqual(userFromCertificate(cert(c.subject)), c.want, c.name);
});
