import { test } from 'node:test';
import assert from 'node:assert/strict';
import fastJsonPatch from 'fast-json-patch';
import { applyWebhookPatch } from './json-patch.js';

const doc = () => ({ metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [{ n: 0 }, { n: 1 }], 'a/b': { '~c': 1 }, nul: null }, status: {} });
const run = (f: () => unknown): unknown => {
  try {
    return { ok: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

// Every case must give exactly what fast-json-patch gives on a copy (result or error message).
const cases: [string, unknown[]][] = [
  ['add, replace and remove on objects', [{ op: 'add', path: '/metadata/labels/y', value: '2' }, { op: 'replace', path: '/metadata/name', value: 'b' }, { op: 'remove', path: '/metadata/labels/x' }]],
  ['add over an existing key', [{ op: 'add', path: '/metadata/name', value: 'c' }]],
  ['arrays: insert, append, replace, remove', [{ op: 'add', path: '/spec/list/1', value: { n: 9 } }, { op: 'add', path: '/spec/list/-', value: { n: 3 } }, { op: 'replace', path: '/spec/list/0', value: 'z' }, { op: 'remove', path: '/spec/list/2' }]],
  ['add at the array end by index', [{ op: 'add', path: '/spec/list/2', value: 'end' }]],
  ['escaped keys', [{ op: 'add', path: '/spec/a~1b/~0c', value: 2 }, { op: 'add', path: '/spec/new~1key', value: {} }]],
  ['replace null', [{ op: 'replace', path: '/spec/nul', value: 1 }]],
  ['new object then inside it', [{ op: 'add', path: '/status/conditions', value: [] }, { op: 'add', path: '/status/conditions/0', value: { type: 'R' } }]],
  ['whole subtree', [{ op: 'replace', path: '/spec', value: { fresh: true } }]],
  ['root replace', [{ op: 'replace', path: '', value: { other: 1 } }]],
  ['test, copy and move', [{ op: 'test', path: '/metadata/name', value: 'a' }, { op: 'copy', from: '/metadata/labels', path: '/spec/labels' }, { op: 'move', from: '/spec/nul', path: '/status/nul' }]],
  ['failed test', [{ op: 'add', path: '/metadata/x', value: 1 }, { op: 'test', path: '/metadata/name', value: 'no' }]],
  ['replace a missing key', [{ op: 'add', path: '/metadata/y', value: 1 }, { op: 'replace', path: '/metadata/missing', value: 1 }]],
  ['remove a missing key', [{ op: 'remove', path: '/spec/missing' }]],
  ['add under a missing parent', [{ op: 'add', path: '/spec/missing/deeper', value: 1 }]],
  ['index out of bounds', [{ op: 'add', path: '/spec/list/5', value: 1 }]],
  ['replace past the end', [{ op: 'replace', path: '/spec/list/2', value: 1 }]],
  ['leading zero index', [{ op: 'add', path: '/spec/list/01', value: 1 }]],
  ['non-numeric index', [{ op: 'add', path: '/spec/list/x', value: 1 }]],
  ['path without slash', [{ op: 'add', path: 'spec', value: 1 }]],
  ['missing value', [{ op: 'add', path: '/spec/v' }]],
  ['unknown op', [{ op: 'frob', path: '/spec' }]],
  ['not an object', ['add']],
  ['prototype pollution', [{ op: 'add', path: '/__proto__/polluted', value: 1 }]],
  ['inherited key', [{ op: 'replace', path: '/metadata/toString', value: 1 }]],
  ['through a scalar', [{ op: 'add', path: '/metadata/name/x', value: 1 }]],
];

test('applyWebhookPatch answers what fast-json-patch answers, and never changes the original', () => {
  for (const [name, patch] of cases) {
    const original = doc();
    const want = run(() => fastJsonPatch.applyPatch(structuredClone(original), structuredClone(patch) as fastJsonPatch.Operation[], true, false).newDocument);
    const got = run(() => applyWebhookPatch(original, structuredClone(patch) as fastJsonPatch.Operation[]));
    assert.deepEqual(got, want, name);
    assert.deepEqual(original, doc(), `${name}: original untouched`);
  }
  // Copy-on-write: what no operation touched is the original's own object.
  const original = doc();
  const got = applyWebhookPatch(original, [{ op: 'add', path: '/metadata/labels/y', value: '2' }, { op: 'replace', path: '/spec/list/1/n', value: 5 }]);
  assert.deepEqual(got, { ...doc(), metadata: { name: 'a', labels: { x: '1', y: '2' } }, spec: { ...doc().spec, list: [{ n: 0 }, { n: 5 }] } });
  assert.deepEqual(original, doc());
  assert.equal(got.status, original.status);
  assert.equal(got.spec['a/b'], original.spec['a/b']);
  assert.equal(got.spec.list[0], original.spec.list[0]);
  assert.notEqual(got.spec.list[1], original.spec.list[1]);
  assert.notEqual(got.metadata.labels, original.metadata.labels);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
