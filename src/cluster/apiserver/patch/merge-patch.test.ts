import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';
import { pod, rejects } from './test-helpers.js';

test('merge patch follows RFC 7386: null deletes, objects merge, arrays replace', () => {
  const table: [string, unknown, unknown][] = [
    ['set label', { metadata: { labels: { tier: 'fe' } } }, { ...pod(), metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } } }],
    ['delete label', { metadata: { labels: { app: null } } }, { ...pod(), metadata: { name: 'p', labels: {} } }],
    ['delete missing key is a no-op', { metadata: { annotations: null } }, pod()],
    ['replace list', { spec: { containers: [{ name: 'c' }] } }, { ...pod(), spec: { containers: [{ name: 'c' }] } }],
    [
      'new object prunes nulls',
      { spec: { nodeSelector: { a: 'b', c: null } } },
      { ...pod(), spec: { ...pod().spec, nodeSelector: { a: 'b' } } },
    ],
    ['scalar over object', { spec: 'x' }, { ...pod(), spec: 'x' }],
    ['empty patch', {}, pod()],
  ];
  for (const [name, patch, want] of table) assert.deepEqual(applyMergePatch(pod(), patch), want, name);
  rejects(() => applyMergePatch(pod(), [1]), 400, 'BadRequest', 'Invalid JSON Patch');
  rejects(() => applyMergePatch(pod(), null), 400, 'BadRequest', 'Invalid JSON Patch');
});
