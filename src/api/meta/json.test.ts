import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { copyJson, jsonDeepEqual } from './json.js';

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
