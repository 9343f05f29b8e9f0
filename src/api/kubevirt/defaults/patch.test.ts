import { test } from 'node:test';
import assert from 'node:assert/strict';
import fastJsonPatch from 'fast-json-patch';
import { applyJSONPatch, jsonPatchDiff } from './patch.js';

// jsonPatchDiff must answer exactly what fast-json-patch's compare answers (order included).
const cases: [string, unknown, unknown][] = [
  ['equal', { a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }],
  ['same object', { a: 1 }, undefined],
  ['add and replace', { a: 1, n: { x: 1 } }, { a: 2, n: { x: 1, y: [{ z: true }] }, c: 'new' }],
  ['remove', { a: 1, b: 2, c: { d: 3, e: 4 } }, { a: 1, c: { e: 4 } }],
  ['arrays grow and shrink', { l: [1, 2, 3], m: [{ a: 1 }] }, { l: [1, 9], m: [{ a: 1 }, { b: 2 }] }],
  ['type changes', { a: { x: 1 }, b: [1], c: 'x', d: null }, { a: [1], b: { x: 1 }, c: { y: 1 }, d: { z: 1 } }],
  ['escaped keys', { 'a/b': 1, 'c~d': { 'e/f~g': 1 } }, { 'a/b': 2, 'c~d': { 'e/f~g': 1, 'h/i': 2 }, '~': 0 }],
  ['undefined values', { a: 1, b: undefined, l: [1, 2] }, { a: undefined, b: 2, c: undefined, l: [undefined, 2] }],
  ['key order', { a: 1, b: 2 }, { b: 2, a: 1, c: 3 }],
];

test('jsonPatchDiff lists the operations fast-json-patch compare lists, in the same order', () => {
  for (const [name, before, afterIn] of cases) {
    const after = afterIn === undefined ? before : afterIn;
    const want = JSON.stringify(fastJsonPatch.compare(before as object, after as object));
    assert.equal(JSON.stringify(jsonPatchDiff(before, after)), want, name);
  }
});

test('jsonPatchDiff: the patch turns the object into its target', () => {
  for (const [name, before, afterIn] of cases) {
    if (afterIn === undefined || name === 'undefined values') continue;
    assert.deepEqual(applyJSONPatch(before, JSON.parse(JSON.stringify(jsonPatchDiff(before, afterIn))) as never), afterIn, name);
  }
});
