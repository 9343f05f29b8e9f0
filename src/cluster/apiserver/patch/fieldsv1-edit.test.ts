import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, field, keyOf } from './fieldset.js';
import { editFieldsV1 } from './fieldsv1-edit.js';

const c = keyOf({ name: 'c' });
const sets = [
  new FieldSet(),
  FieldSet.of([field('a')]),
  FieldSet.of([field('b')], [field('s'), field('x')]),
  FieldSet.of([field('s')], [field('s'), field('y')]),
  FieldSet.of([field('s')]),
  FieldSet.of([field('s'), field('x'), field('z')], [field('s'), field('w')]),
  FieldSet.of([field('m'), c], [field('m'), c, field('image')]),
  FieldSet.of([field('m'), c, field('image')], [field('m'), keyOf({ name: 'a' })]),
  FieldSet.of([field('m')], [field('a')], [field('z')], ['v:"x"'], ['i:0']),
];

test('editFieldsV1: the canonical FieldsV1 of (set - remove) ∪ add, for every combination', () => {
  for (const s of sets) {
    const v = s.toFieldsV1();
    for (const rm of [undefined, ...sets]) {
      for (const add of [undefined, ...sets]) {
        let want = rm ? s.difference(rm) : s;
        if (add) want = want.union(add);
        const got = editFieldsV1(v, rm, add);
        const label = `${JSON.stringify(v)} - ${JSON.stringify(rm?.toFieldsV1())} + ${JSON.stringify(add?.toFieldsV1())}`;
        assert.equal(JSON.stringify(got), JSON.stringify(want.toFieldsV1()), label);
        if (JSON.stringify(got) === JSON.stringify(v)) assert.equal(got, v, `unchanged: the same object (${label})`);
      }
    }
  }
});

test('editFieldsV1 shares the subtrees it does not reach and changes nothing it is given', () => {
  const v = Object.freeze({
    'f:metadata': Object.freeze({ 'f:labels': Object.freeze({ '.': {}, 'f:app': {} }) }),
    'f:spec': Object.freeze({ 'f:replicas': {} }),
  });
  const out = editFieldsV1(v, undefined, FieldSet.of([field('metadata'), field('labels'), field('tier')]));
  assert.equal(out['f:spec'], v['f:spec']);
  assert.deepEqual(out, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} } }, 'f:spec': { 'f:replicas': {} } });
  const back = editFieldsV1(out, FieldSet.of([field('metadata'), field('labels'), field('tier')]), undefined);
  assert.deepEqual(back, v);
  assert.deepEqual(editFieldsV1(v, FieldSet.of([field('spec'), field('replicas')]), undefined), { 'f:metadata': v['f:metadata'] });
});
