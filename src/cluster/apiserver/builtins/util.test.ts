import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEqual } from './util.js';

test('jsonEqual: deep equality of JSON values, key order ignored, undefined keys absent', () => {
  const table: [string, unknown, unknown, boolean][] = [
    ['same scalars', 1, 1, true],
    ['different scalars', 1, 2, false],
    ['number and string', 1, '1', false],
    ['null and object', null, {}, false],
    ['null and null', null, null, true],
    ['object and array', {}, [], false],
    ['array and object', [], {}, false],
    ['key order', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ['nested difference', { a: { b: [1, 2] } }, { a: { b: [1, 3] } }, false],
    ['array length', [1, 2], [1, 2, 3], false],
    ['array order matters', [1, 2], [2, 1], false],
    ['undefined key is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['undefined key on the right is absent', { a: 1 }, { a: 1, b: undefined }, true],
    ['missing key', { a: 1 }, { a: 1, b: 2 }, false],
    ['extra key', { a: 1, b: 2 }, { a: 1 }, false],
    ['same count, other keys', { a: 1, b: 2 }, { a: 1, c: 2 }, false],
    ['null value is not absent', { a: null }, {}, false],
    ['empty objects', {}, {}, true],
  ];
  for (const [name, a, b, want] of table) {
    assert.equal(jsonEqual(a, b), want, name);
    assert.equal(jsonEqual(b, a), want, `${name} (swapped)`);
  }
});
