import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { canonical, copyJson, jsonDeepEqual, jsonEqual, jsonRoundTrip } from './json.js';

const values: unknown[] = [
  null, 0, -0, 1, 1.5, NaN, '', 'a', '1', true, false, undefined,
  [], [1], [1, 2], [2, 1], [[1]], [null], [undefined],
  {}, { a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }, { a: undefined }, { b: undefined }, { a: null }, { a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] },
  { spec: { domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] } } } },
  { spec: { domain: { devices: { disks: [{ name: 'root', disk: { bus: 'sata' } }] } } } },
];

test('jsonDeepEqual agrees with util.isDeepStrictEqual on every pair of plain JSON values', () => {
  for (const a of values) for (const b of values) assert.equal(jsonDeepEqual(a, b), isDeepStrictEqual(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  for (const a of values) assert.ok(jsonDeepEqual(a, structuredClone(a)), JSON.stringify(a));
});

test('copyJson copies deeply (the copy shares no object with the original) and equals structuredClone', () => {
  for (const v of values) assert.ok(isDeepStrictEqual(copyJson(v), structuredClone(v)), JSON.stringify(v));
  const vmi = { metadata: { name: 'a', labels: { x: 'y' } }, spec: { volumes: [{ name: 'v', containerDisk: { image: 'i' } }] }, status: undefined };
  const c = copyJson(vmi);
  assert.ok(isDeepStrictEqual(c, vmi));
  assert.ok('status' in c);
  c.metadata.labels.x = 'z';
  c.spec.volumes[0]!.containerDisk.image = 'j';
  assert.equal(vmi.metadata.labels.x, 'y');
  assert.equal(vmi.spec.volumes[0]!.containerDisk.image, 'i');
});

test('jsonEqual: equality as serialised, key order ignored, undefined keys absent', () => {
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

test('jsonRoundTrip copies as JSON.stringify sends: undefined keys gone, Dates as strings', () => {
  const d = new Date('2026-11-27T10:00:00Z');
  const src = { a: { b: [1, { c: 'x' }] }, gone: undefined, when: d };
  const out = jsonRoundTrip(src);
  assert.deepEqual(out, { a: { b: [1, { c: 'x' }] }, when: '2026-11-27T10:00:00.000Z' });
  assert.notEqual(out.a, src.a);
  assert.equal(jsonRoundTrip(undefined), undefined);
});

test('canonical sorts object keys at every depth', () => {
  assert.equal(canonical({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
});
