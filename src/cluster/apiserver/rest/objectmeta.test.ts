import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, jsonEqual } from '../../../api/meta/json.js';
import { sameObject, sameSpec } from './objectmeta.js';

test('jsonEqual agrees with comparing canonical JSON', () => {
  const cases: [string, unknown, unknown][] = [
    ['same scalars', 'a', 'a'],
    ['different strings', 'a', 'b'],
    ['number and string', 1, '1'],
    ['NaN and null serialise alike', Number.NaN, null],
    ['key order ignored', { a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }],
    ['nested difference', { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }],
    ['array order matters', [1, 2], [2, 1]],
    ['array length', [1], [1, 1]],
    ['undefined member is absent', { a: 1, b: undefined }, { a: 1 }],
    ['absent and null differ', { a: 1 }, { a: 1, b: null }],
    ['extra key', { a: 1 }, { a: 1, b: 2 }],
    ['undefined in an array is null', [undefined], [null]],
    ['object and array', {}, []],
    ['empty objects', {}, {}],
    ['toJSON honoured', { t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' }],
    ['function members absent', { a: 1, f: () => 1 }, { a: 1 }],
  ];
  for (const [name, a, b] of cases) {
    assert.equal(jsonEqual(a, b), canonical(a) === canonical(b), name);
    assert.equal(jsonEqual(b, a), canonical(a) === canonical(b), `${name} (swapped)`);
  }
});

test('sameObject ignores managedFields and resourceVersion only', () => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '1', managedFields: [{ manager: 'x' }] }, data: { k: 'v' } };
  assert.equal(sameObject(base, { ...base, metadata: { name: 'a', resourceVersion: '2' } }), true);
  assert.equal(sameObject(base, { ...base, data: { k: 'w' } }), false);
  assert.equal(sameObject(base, { ...base, metadata: { ...base.metadata, labels: { a: 'b' } } }), false);
});

test('sameSpec looks past metadata, status, apiVersion and kind', () => {
  const a = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { r: 1 }, status: { s: 1 } };
  assert.equal(sameSpec(a, { ...a, metadata: { name: 'b' }, status: { s: 2 }, apiVersion: 'v2' }), true);
  assert.equal(sameSpec(a, { ...a, spec: { r: 2 } }), false);
  assert.equal(sameSpec(a, { ...a, extra: true }), false);
});
