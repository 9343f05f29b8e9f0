import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prune, pruneNonNullableNulls } from './prune.js';
import { withCheckedReference } from './reference.js';
import type { JSONSchemaProps } from './schema.js';

const str: JSONSchemaProps = { type: 'string' };
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        name: str,
        items: { type: 'array', items: { type: 'object', properties: { a: str, nested: { type: 'array', items: { type: 'object', properties: { b: str } } } } } },
        labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: str } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { k: str } } } },
        anything: { type: 'object', additionalProperties: true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: str } } } },
        opt: { type: 'string', nullable: true },
        def: { type: 'string', default: 'd' },
      },
    },
  },
};

const obj = () => ({
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name: 'n', whatever: 1 },
  spec: {
    name: 'x',
    bogus: 1,
    items: [{ a: 'a', drop: true, nested: [{ b: 'b', gone: 2 }, 'scalar', null] }, 'text', { a: 'a2' }],
    labels: { one: { v: '1', extra: 'e' } },
    free: { anything: { goes: true }, known: { k: 'k', unknownInKnown: 1 } },
    anything: { x: { y: 1 } },
    template: { apiVersion: 'v1', kind: 'K', metadata: { name: 't', bad: 1 }, spec: { x: 'x', y: 'y' }, other: 1 },
    opt: null,
    def: null,
    plain: null,
  },
  top: 1,
});

test('prune: drops undeclared fields and reports their paths in walk order', () => {
  const o = obj();
  const dropped = prune(o, schema, true);
  assert.deepEqual(dropped, [
    'spec.bogus',
    'spec.items[0].drop',
    'spec.items[0].nested[0].gone',
    'spec.labels.one.extra',
    'spec.free.known.unknownInKnown',
    'spec.template.metadata.bad',
    'spec.template.spec.y',
    'spec.template.other',
    'spec.plain',
    'top',
  ]);
  assert.deepEqual(o, {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 'n', whatever: 1 },
    spec: {
      name: 'x',
      items: [{ a: 'a', nested: [{ b: 'b' }, 'scalar', null] }, 'text', { a: 'a2' }],
      labels: { one: { v: '1' } },
      free: { anything: { goes: true }, known: { k: 'k' } },
      anything: { x: { y: 1 } },
      template: { apiVersion: 'v1', kind: 'K', metadata: { name: 't' }, spec: { x: 'x' } },
      opt: null,
      def: null,
    },
  });
  assert.deepEqual(prune(o, schema, true), [], 'nothing left to drop');
});

test('prune: a path starting with a list, and subtrees shared with a checked reference are skipped', () => {
  const list: JSONSchemaProps = { type: 'array', items: { type: 'object', properties: { a: str } } };
  assert.deepEqual(prune([{ a: 'a', b: 1 }], list, false), ['[0].b']);
  const checked = obj();
  const o = { ...checked, spec: { ...checked.spec, bogus2: 2 } };
  const dropped = withCheckedReference(o, checked, () => prune(o, schema, true, { ...checked, metadata: undefined }));
  assert.deepEqual(dropped, ['spec.bogus', 'spec.plain', 'spec.bogus2', 'top'], 'spec.items, labels... are the reference\'s own');
});

test('pruneNonNullableNulls: drops nulls neither nullable nor defaulted, at any depth', () => {
  const o = obj();
  prune(o, schema, true);
  const withNulls = { ...o, spec: { ...o.spec, plain: null, labels: { one: { v: null } }, items: [{ a: null }, null] } };
  pruneNonNullableNulls(withNulls, schema);
  assert.deepEqual(withNulls.spec.labels, { one: {} });
  assert.deepEqual(withNulls.spec.items, [{}, null]);
  assert.equal(withNulls.spec.opt, null, 'nullable');
  assert.equal(withNulls.spec.def, null, 'defaulted later');
  assert.equal('plain' in withNulls.spec, true, 'no schema: kept');
});
