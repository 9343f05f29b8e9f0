import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';
import { pod, rejects } from './test-helpers.js';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

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
  for (const [name, patch, want] of table) {
    // The document may be deeply frozen (the store's copy): it is never changed, nor the patch.
    const doc = deepFreeze(pod());
    const frozenPatch = deepFreeze(structuredClone(patch));
    const out = applyMergePatch(doc, frozenPatch);
    assert.deepEqual(out, want, name);
    assert.deepEqual([doc, frozenPatch], [pod(), patch], `${name}: inputs unchanged`);
  }
  // What the patch leaves alone is shared; the result holds nothing of the patch's.
  const doc = pod();
  const patch = { metadata: { labels: { tier: 'fe' } }, status: { list: [{ a: 1 }] } };
  const out = applyMergePatch(doc, patch) as typeof doc & { status: { list: unknown[] } };
  assert.equal(out.spec, doc.spec);
  assert.notEqual(out.metadata, doc.metadata);
  assert.notEqual(out.status.list[0], patch.status.list[0]);
  rejects(() => applyMergePatch(pod(), [1]), 400, 'BadRequest', 'Invalid JSON Patch');
  rejects(() => applyMergePatch(pod(), null), 400, 'BadRequest', 'Invalid JSON Patch');
});
