import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import { applyWebhookPatch } from '../admission/json-patch.js';
import { compileCrd } from './compile.js';
import { referenceOf, withCheckedReference } from './reference.js';
import { newCrd } from './testdata.js';
import type { JSONSchemaProps } from './schema.js';

const item: JSONSchemaProps = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 5 }, port: { type: 'integer', default: 80 }, tmpl: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
};
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', minimum: 0, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'] },
        items: { type: 'array', items: item, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        nested: { type: 'object', properties: { deep: { type: 'object', properties: { x: { type: 'string', pattern: '^[a-z]+$' } } } } },
      },
    },
  },
};
const v = compileCrd(newCrd(schema))[0]!;
const base = (): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns' },
  spec: { replicas: 2, mode: 'a', items: [{ name: 'one', port: 1, tmpl: { apiVersion: 'v1', kind: 'Pod' } }], tags: ['x'], nested: { deep: { x: 'ok' } } },
});

/** What a full check gives: prune, default, validate on an independent copy. */
function full(obj: KubeObject): { obj: KubeObject; errs: unknown } {
  const copy = structuredClone(obj);
  v.pruneAndDefault(copy);
  return { obj: copy, errs: v.validate(copy) };
}

/** The same checks skipping what `obj` shares with `checked`. */
function ratcheted(obj: KubeObject, checked: KubeObject): { obj: KubeObject; errs: unknown } {
  return withCheckedReference(obj, checked, () => {
    v.pruneAndDefault(obj);
    return { obj, errs: v.validate(obj) };
  });
}

test('checks skipping subtrees shared with a checked object find what full checks find in the changed parts', () => {
  const ops: [string, unknown[]][] = [
    ['no change below the root', [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]],
    ['a new list entry: defaulted, pruned, validated', [{ op: 'add', path: '/spec/items/-', value: { name: 'toolong', junk: 1, tmpl: { kind: 'bad_kind' } } }]],
    ['a duplicate map key', [{ op: 'add', path: '/spec/items/-', value: { name: 'one' } }]],
    ['a duplicate set entry', [{ op: 'add', path: '/spec/tags/-', value: 'x' }]],
    ['deep changes', [{ op: 'replace', path: '/spec/nested/deep/x', value: 'NO' }, { op: 'add', path: '/spec/nested/deep/y', value: 1 }]],
    ['a scalar next to shared siblings', [{ op: 'replace', path: '/spec/mode', value: 'c' }, { op: 'replace', path: '/spec/replicas', value: -1 }]],
    ['a removed default and a null', [{ op: 'remove', path: '/spec/replicas' }, { op: 'add', path: '/spec/items/0/port', value: null }]],
    ['a whole new spec', [{ op: 'replace', path: '/spec', value: { items: [{ name: 'n' }], extra: true } }]],
  ];
  for (const [name, patch] of ops) {
    const checked = base();
    v.pruneAndDefault(checked);
    assert.deepEqual(v.validate(checked), [], name);
    const before = structuredClone(checked);
    const mutated = applyWebhookPatch(checked, structuredClone(patch) as never);
    const want = full(mutated);
    const got = ratcheted(mutated, checked);
    assert.deepEqual(got, want, name);
    assert.deepEqual(checked, before, `${name}: the checked object is unchanged`);
  }
});

test('shared subtrees are skipped, root metadata and anything else not the same object are not', () => {
  // A "checked" object holding invalid values shows what is skipped: only subtrees it shares.
  const checked: KubeObject = { ...base(), metadata: { name: 'w', junk: 1 } as never, spec: { replicas: -5, nested: { deep: { x: 'BAD' } }, items: [{ name: 'toolong' }] } };
  const spec = checked.spec as Record<string, unknown>;
  const mutated: KubeObject = { ...checked, metadata: checked.metadata!, spec: { ...spec, replicas: -6, items: [...(spec.items as unknown[])] } };
  const got = ratcheted(mutated, checked);
  const fields = (got.errs as { field: string }[]).map((e) => e.field);
  assert.deepEqual(fields, ['spec.replicas']);
  // Outside withCheckedReference (or for another object) nothing is skipped.
  assert.equal(referenceOf(mutated, 'validate'), undefined);
  assert.deepEqual((v.validate(mutated) as { field: string }[]).map((e) => e.field).sort(), ['spec.items[0].name', 'spec.nested.deep.x', 'spec.replicas']);
  withCheckedReference(mutated, checked, () => assert.equal(referenceOf(structuredClone(mutated), 'validate'), undefined));
  assert.throws(() => withCheckedReference(mutated, checked, () => { throw new Error('boom'); }), /boom/);
  assert.equal(referenceOf(mutated, 'validate'), undefined);
  // Root metadata is always checked: the schema's metadata rules apply even when it is shared.
  const metaSchema: JSONSchemaProps = { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 1 } } } } };
  const m = compileCrd(newCrd(metaSchema))[0]!;
  const checkedMeta: KubeObject = { ...checked, metadata: { name: 'long' } };
  const withMeta: KubeObject = { ...checkedMeta };
  assert.deepEqual(withCheckedReference(withMeta, checkedMeta, () => (m.validate(withMeta) as { field: string }[]).map((e) => e.field)), ['metadata.name']);
});

test('updates: validation skips what equals the old object (ratcheting), list items are not correlated, pruning and defaulting stay whole', () => {
  // The old object is invalid under the schema (written before a schema change, say).
  const old: KubeObject = { ...base(), spec: { replicas: -1, mode: 'z', items: [{ name: 'toolong', port: 1 }], nested: { deep: { x: 'BAD' } } } };
  const check = (next: KubeObject): string[] =>
    withCheckedReference(next, old, () => {
      v.pruneAndDefault(next);
      return (v.validate(next) as { field: string }[]).map((e) => e.field).sort();
    }, 'equal');
  // Unchanged fields keep their errors to themselves; a changed one is checked.
  assert.deepEqual(check(structuredClone(old)), []);
  const changed = structuredClone(old);
  (changed.spec as Record<string, unknown>).mode = 'y';
  assert.deepEqual(check(changed), ['spec.mode']);
  // A changed list is checked item by item, unchanged items included.
  const listChanged = structuredClone(old);
  ((listChanged.spec as { items: unknown[] }).items).push({ name: 'two', port: 2 });
  assert.deepEqual(check(listChanged), ['spec.items[0].name']);
  // Defaults and pruning apply to equal subtrees too.
  const pruned = structuredClone(old);
  ((pruned.spec as { items: Record<string, unknown>[] }).items[0]!).junk = 1;
  delete ((pruned.spec as { items: Record<string, unknown>[] }).items[0]!).port;
  assert.deepEqual(check(pruned), ['spec.items[0].name']);
  assert.deepEqual((pruned.spec as { items: unknown[] }).items, [{ name: 'toolong', port: 80 }]);
  // Without the reference everything is checked.
  const plain = structuredClone(old);
  assert.deepEqual((v.validate(plain) as { field: string }[]).map((e) => e.field).sort(), ['spec.items[0].name', 'spec.mode', 'spec.nested.deep.x', 'spec.replicas']);
});
