import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldByOther } from './leader.js';

const now = new Date('2026-01-01T00:00:20Z');
const cases: [string, Parameters<typeof heldByOther>[0], boolean][] = [
  ['no lease spec', undefined, false],
  ['no holder', { holderIdentity: '' }, false],
  ['held by us', { holderIdentity: 'me', renewTime: '2026-01-01T00:00:19.000000Z', leaseDurationSeconds: 15 }, false],
  ['held by another, fresh', { holderIdentity: 'other', renewTime: '2026-01-01T00:00:10.000000Z', leaseDurationSeconds: 15 }, true],
  ['held by another, expired', { holderIdentity: 'other', renewTime: '2026-01-01T00:00:04.000000Z', leaseDurationSeconds: 15 }, false],
  ['held by another, acquire time only', { holderIdentity: 'other', acquireTime: '2026-01-01T00:00:19.000000Z' }, true],
  ['released (duration 1 s)', { holderIdentity: '', renewTime: '2026-01-01T00:00:19.500000Z', leaseDurationSeconds: 1 }, false],
];
for (const [name, spec, want] of cases) test(`heldByOther: ${name}`, () => assert.equal(heldByOther(spec, 'me', now), want));
