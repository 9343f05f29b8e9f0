import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import { computeCrdStatus } from './status.js';
import { newCrd, objectSchema } from './testdata.js';

const now = '2025-01-01T00:00:00Z';
const later = '2025-01-02T00:00:00Z';
const schema = objectSchema({});

function accepted(crd: KubeObject): KubeObject {
  return { ...crd, status: computeCrdStatus(crd, [], now) };
}

test('a fresh CRD gets its names accepted and is established', () => {
  const crd = newCrd(schema);
  const s = computeCrdStatus(crd, [crd], now);
  assert.deepEqual(s.acceptedNames, { plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList', categories: ['all'] });
  assert.deepEqual(s.conditions, [
    { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
    { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
  ]);
  assert.deepEqual(s.storedVersions, ['v1']);
});

const conflicts: { name: string; mutate: (c: ReturnType<typeof newCrd>) => void; reason: string; message: string }[] = [
  { name: 'singular as plural', mutate: (c) => (c.spec.names = { plural: 'widget', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' }), reason: 'PluralConflict', message: '"widget" is already in use' },
  { name: 'short name', mutate: (c) => (c.spec.names = { plural: 'gadgets', singular: 'gadget', shortNames: ['wd'], kind: 'Gadget', listKind: 'GadgetList' }), reason: 'ShortNamesConflict', message: '"wd" is already in use' },
  { name: 'list kind', mutate: (c) => (c.spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'WidgetList' }), reason: 'ListKindConflict', message: '"WidgetList" is already in use' },
];

for (const c of conflicts) {
  test(`a CRD whose ${c.name} another CRD of the group accepted is not established`, () => {
    const existing = accepted(newCrd(schema));
    const other = newCrd(schema, (x) => {
      c.mutate(x);
      x.metadata = { name: `${x.spec.names?.plural}.example.com` };
    });
    const s = computeCrdStatus(other, [existing, other], now);
    assert.deepEqual(s.conditions.map((x) => [x.type, x.status, x.reason, x.message]), [
      ['NamesAccepted', 'False', c.reason, c.message],
      ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
    ]);
  });
}

test('other groups do not conflict; transition times survive unchanged conditions; stored versions accumulate', () => {
  const elsewhere = accepted(newCrd(schema, (x) => {
    x.spec.group = 'other.io';
    x.metadata = { name: 'widgets.other.io' };
  }));
  const crd = accepted(newCrd(schema));
  const moved = newCrd(schema, (x) => {
    x.status = crd['status'];
    x.spec.versions = [{ name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: schema } }, { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: schema } }];
  });
  const s = computeCrdStatus(moved, [elsewhere, moved], later);
  assert.equal(s.conditions[0]?.lastTransitionTime, now);
  assert.deepEqual(s.storedVersions, ['v1', 'v2']);
});
