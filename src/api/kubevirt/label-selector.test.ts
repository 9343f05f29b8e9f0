import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabelSelector } from './label-selector.js';
import { firmwareUUID } from './firmware-uuid.js';

test('label selectors match as apimachinery selectors do', () => {
  const labels = { app: 'web', tier: 'front' };
  const table: [Parameters<typeof matchesLabelSelector>[0], boolean][] = [
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    [undefined, false],
  ];
  for (const [sel, want] of table) assert.equal(matchesLabelSelector(sel, labels), want, JSON.stringify(sel));
});

test('firmware UUID is the v5 UUID of the name in upstream namespace', () => {
  // Reference value computed independently with Python's uuid.uuid5.
  assert.equal(firmwareUUID('testvm'), '5a9fc181-957e-5c32-9e5a-2de5e9673531');
  assert.notEqual(firmwareUUID('a'), firmwareUUID('b'));
});
