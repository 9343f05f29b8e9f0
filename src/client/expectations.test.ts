import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';

test('expectations are satisfied once observed, lowered, or expired', () => {
  let now = 0;
  const e = new Expectations(1000, () => now);
  assert.ok(e.satisfied('k'));
  e.expectCreations('k', 2);
  assert.ok(!e.satisfied('k'));
  e.creationObserved('k');
  assert.ok(!e.satisfied('k'));
  e.lowerExpectations('k', 1, 0);
  assert.ok(e.satisfied('k'));
  e.expectDeletions('k');
  assert.ok(!e.satisfied('k'));
  now = 2000;
  assert.ok(e.satisfied('k'));
  e.delete('k');
  assert.ok(e.satisfied('k'));
});
