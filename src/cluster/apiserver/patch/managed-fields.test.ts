import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedFieldsEntry } from '../../../api/meta/index.js';
import { FieldSet, field } from './fieldset.js';
import { decodeManagers, encodeManagers, identity, isCanonicalFieldsV1, managerEmpty, managerOverlaps, rfc3339, type Manager } from './managed-fields.js';

test('identity: the JSON of manager, operation, apiVersion (updates only) and subresource, in that order', () => {
  type Id = Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>;
  const cases: [Id, Record<string, string>][] = [
    [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }, { manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }],
    [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' }, { manager: 'kubectl', operation: 'Apply' }],
    [{ manager: 'virt-handler', operation: 'Update', apiVersion: 'kubevirt.io/v1', subresource: 'status' }, { manager: 'virt-handler', operation: 'Update', apiVersion: 'kubevirt.io/v1', subresource: 'status' }],
    [{ manager: 'a "quoted" \\ name é\n', operation: 'Update', apiVersion: '' }, { manager: 'a "quoted" \\ name é\n', operation: 'Update' }],
    [{ manager: '', operation: 'Apply', apiVersion: 'apps/v1', subresource: 'scale' }, { manager: '', operation: 'Apply', subresource: 'scale' }],
  ];
  for (const [m, want] of cases) assert.equal(identity(m), JSON.stringify(want), JSON.stringify(m));  // Remembered identities stay apart however the fields split the same text.
  assert.notEqual(identity({ manager: 'a', operation: 'Update', apiVersion: 'bv1' }), identity({ manager: 'ab', operation: 'Update', apiVersion: 'v1' }));
  assert.notEqual(identity({ manager: 'a1:', operation: 'Update', apiVersion: 'x' }), identity({ manager: 'a', operation: 'Update', apiVersion: '1:x' }));
  assert.notEqual(identity({ manager: 'm', operation: 'Update', apiVersion: 'v1s' }), identity({ manager: 'm', operation: 'Update', apiVersion: 'v1', subresource: 's' }));
});

test('isCanonicalFieldsV1: only what FieldSet.toFieldsV1 writes', () => {
  const cases: [unknown, boolean][] = [
    [{}, true],
    [{ 'f:data': { 'f:a': {}, 'f:b': {} } }, true],
    [{ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } }, true],
    [{ 'f:b': {}, 'f:a': {} }, false], // not sorted
    [{ 'k:{"a":1}': {}, 'f:z': {} }, false], // kinds out of order (f before k)
    [{ 'f:a': { 'f:x': {}, '.': {} } }, false], // '.' not first
    [{ 'f:a': { '.': {} } }, false], // '.' without children decodes to a plain member
    [{ '.': {}, 'f:a': {} }, false], // no '.' at the root
    [{ 'f:a': { '.': { 'f:x': {} }, 'f:y': {} } }, false],
    [{ 'f:a': 1 }, false],
    [{ 'f:a': [] }, false],
    [null, false],
    [[], false],
  ];
  for (const [v, want] of cases) {
    assert.equal(isCanonicalFieldsV1(v), want, JSON.stringify(v));
    // The definition: canonical exactly when decoding then encoding gives the same JSON back.
    if (v && typeof v === 'object' && !Array.isArray(v)) assert.equal(JSON.stringify(FieldSet.fromFieldsV1(v).toFieldsV1()) === JSON.stringify(v), want, JSON.stringify(v));
  }
});

test('decodeManagers/encodeManagers: untouched canonical entries are written back as they are, changed ones re-encoded', () => {
  const canonical = { 'f:data': { 'f:a': {} } };
  const odd = { 'f:data': { 'f:b': {}, 'f:a': {} } };
  const entries: ManagedFieldsEntry[] = [
    { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: canonical },
    { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:02Z', fieldsType: 'FieldsV1', fieldsV1: odd },
    { manager: 'c', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:03Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:c': {} } } },
    { manager: 'e', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:04Z', fieldsType: 'FieldsV1', fieldsV1: {} },
  ];
  const managers = decodeManagers(entries);
  const [a, b, c, e] = [...managers.values()] as Manager[];
  const changed = FieldSet.of([field('data'), field('c')]);
  assert.deepEqual([a, b, c, e].map((m) => managerOverlaps(m as Manager, changed)), [false, false, true, false]);
  assert.deepEqual([a, b, c, e].map((m) => managerEmpty(m as Manager)), [false, false, false, true]);
  (c as Manager).set = (c as Manager).set.difference(changed);
  const out = encodeManagers(managers.values());
  assert.deepEqual(out.map((x) => x.manager), ['a', 'b']);
  assert.equal(out[0]?.fieldsV1, canonical, 'the canonical entry is reused');
  assert.deepEqual(out[1]?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } }, 'the non-canonical one is re-encoded');
  assert.deepEqual(Object.keys(out[1]?.fieldsV1 ?? {}), ['f:data']);
  assert.deepEqual(Object.keys((out[1]?.fieldsV1?.['f:data'] ?? {}) as object), ['f:a', 'f:b']);
});

test('rfc3339: whole seconds in UTC, formatted again when the second changes', () => {
  const cases: [string, string][] = [
    ['2026-11-27T16:00:00.000Z', '2026-11-27T16:00:00Z'],
    ['2026-11-27T16:00:00.999Z', '2026-11-27T16:00:00Z'],
    ['2026-11-27T16:00:01.001Z', '2026-11-27T16:00:01Z'],
    ['2026-11-27T16:00:00.500Z', '2026-11-27T16:00:00Z'],
    ['1969-12-31T23:59:59.500Z', '1969-12-31T23:59:59Z'],
  ];
  for (const [at, want] of cases) assert.equal(rfc3339(new Date(at)), want, at);
  assert.throws(() => rfc3339(new Date(NaN)), RangeError);
});
