import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, field, keyOf, pathString, valueOf } from './fieldset.js';

test('field sets round-trip through FieldsV1, with "." for members that have children', () => {
  const v1 = {
    'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a/b"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
  };
  const s = FieldSet.fromFieldsV1(v1);
  assert.deepEqual(s.toFieldsV1(), v1);
  assert.ok(s.has([field('metadata'), field('labels')]));
  assert.ok(!s.has([field('spec')]));
  assert.ok(s.hasPrefix([field('spec')]));
  assert.ok(s.has([field('spec'), field('containers'), keyOf({ name: 'c' }), field('image')]));
});

test('set algebra: union, difference, recursive difference, intersection', () => {
  const a = FieldSet.of([field('a')], [field('s'), field('x')], [field('s'), field('y')]);
  const b = FieldSet.of([field('s'), field('x')], [field('b')]);
  assert.deepEqual(a.union(b).paths(), [['f:a'], ['f:b'], ['f:s', 'f:x'], ['f:s', 'f:y']]);
  assert.deepEqual(a.difference(b).paths(), [['f:a'], ['f:s', 'f:y']]);
  assert.deepEqual(a.intersection(b).paths(), [['f:s', 'f:x']]);
  assert.deepEqual(a.recursiveDifference(FieldSet.of([field('s')])).paths(), [['f:a']]);
  assert.deepEqual(a.difference(FieldSet.of([field('s')])).paths(), a.paths());
});

test('paths print as fieldpath.Path.String does', () => {
  assert.equal(pathString([field('spec'), field('replicas')]), '.spec.replicas');
  assert.equal(pathString([field('spec'), field('ports'), keyOf({ protocol: 'TCP', port: 80 })]), '.spec.ports[port=80,protocol="TCP"]');
  assert.equal(pathString([field('metadata'), field('finalizers'), valueOf('a/b')]), '.metadata.finalizers[="a/b"]');
  assert.equal(keyOf({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
});

test('intersects and intersectsFieldsV1 agree with intersection(...).empty()', () => {
  const sets = [
    FieldSet.of([field('a')]),
    FieldSet.of([field('s'), field('x')]),
    FieldSet.of([field('s')], [field('s'), field('y')]),
    FieldSet.of([field('s'), field('x'), field('z')]),
    FieldSet.of([field('m'), keyOf({ name: 'c' })], [field('m'), keyOf({ name: 'c' }), field('image')]),
    FieldSet.of([field('m'), keyOf({ name: 'c' }), field('image')]),
    new FieldSet(),
  ];
  for (const a of sets) {
    for (const b of sets) {
      const want = !a.intersection(b).empty();
      assert.equal(a.intersects(b), want, `${JSON.stringify(a.paths())} ∩ ${JSON.stringify(b.paths())}`);
      assert.equal(a.intersectsFieldsV1(b.toFieldsV1()), want, `${JSON.stringify(a.paths())} ∩ FieldsV1 ${JSON.stringify(b.toFieldsV1())}`);
    }
  }
});

test('FieldsV1 keys are ordered by element kind (f, k, v, i, other), then text', () => {
  const s = FieldSet.of(['i:1'], ['v:"b"'], ['k:{"a":1}'], ['f:z'], ['f:a'], ['v:"a"'], ['i:0'], ['x:?']);
  assert.deepEqual(Object.keys(s.toFieldsV1()), ['f:a', 'f:z', 'k:{"a":1}', 'v:"a"', 'v:"b"', 'i:0', 'i:1', 'x:?']);
});
