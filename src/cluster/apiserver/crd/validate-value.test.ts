import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './defaults.js';
import type { JSONSchemaProps } from './schema.js';
import { validateValue } from './validate-value.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    a: { type: 'integer', default: 1 },
    b: { type: 'string', maxLength: 1 },
    c: { type: 'integer' },
    d: { type: 'object', default: { x: 'y' } },
    e: { type: 'string' },
  },
  additionalProperties: { type: 'boolean' },
};

test('errors come in schema property order whatever the object key order; extra keys after them', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['schema order', { a: 'x', b: 'long', c: 'y' }, ['a', 'b', 'c']],
    ['reversed keys', { z: 1, c: 'y', b: 'long', a: 'x' }, ['a', 'b', 'c', 'z']],
    ['some keys', { e: 1, extra: 'no', a: 'x' }, ['a', 'e', 'extra']],
    ['none declared', { q: 1 }, ['q']],
  ];
  for (const [name, v, want] of cases) assert.deepEqual(validateValue(v, schema).map((e) => e.field), want, name);
});

test('defaults fill absent properties in schema order, and only those with a default', () => {
  const v: Record<string, unknown> = { e: 's', b: 'x' };
  applyDefaults(v, schema);
  assert.deepEqual(Object.keys(v), ['e', 'b', 'a', 'd']);
  assert.deepEqual(v, { e: 's', b: 'x', a: 1, d: { x: 'y' } });
});
