import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type KubeObject } from '../../../api/meta/index.js';
import { compileCrd } from './compile.js';
import { definitionName } from './openapi.js';
import type { JSONSchemaProps } from './schema.js';
import { newCrd, objectSchema } from './testdata.js';

function compiled(schema: JSONSchemaProps) {
  const v = compileCrd(newCrd(schema))[0];
  assert.ok(v);
  return v;
}

function cr(spec: unknown, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec, ...extra };
}

function messages(schema: JSONSchemaProps, obj: KubeObject): string[] {
  const v = compiled(schema);
  v.pruneAndDefault(obj);
  return v.validate(obj).map(fieldErrorMessage);
}

const validationCases: { name: string; spec: Record<string, JSONSchemaProps>; value: unknown; want: string[]; required?: string[] }[] = [
  {
    name: 'type mismatch',
    spec: { replicas: { type: 'integer' } },
    value: { replicas: 'three' },
    want: ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
  },
  { name: 'float for integer', spec: { n: { type: 'integer' } }, value: { n: 1.5 }, want: ['spec.n: Invalid value: "number": spec.n in body must be of type integer: "number"'] },
  { name: 'integer for number is fine', spec: { n: { type: 'number' } }, value: { n: 2 }, want: [] },
  { name: 'required', spec: { x: { type: 'string' } }, required: ['x'], value: {}, want: ['spec.x: Required value'] },
  {
    name: 'enum',
    spec: { mode: { type: 'string', enum: ['Fast', 'Slow'] } },
    value: { mode: 'x' },
    want: ['spec.mode: Unsupported value: "x": supported values: "Fast", "Slow"'],
  },
  {
    name: 'minimum',
    spec: { replicas: { type: 'integer', minimum: 1 } },
    value: { replicas: 0 },
    want: ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'],
  },
  {
    name: 'exclusive maximum',
    spec: { r: { type: 'integer', maximum: 10, exclusiveMaximum: true } },
    value: { r: 10 },
    want: ['spec.r: Invalid value: 10: spec.r in body should be less than 10'],
  },
  {
    name: 'pattern',
    spec: { s: { type: 'string', pattern: '^[a-z]+$' } },
    value: { s: 'ABC' },
    want: ["spec.s: Invalid value: \"ABC\": spec.s in body should match '^[a-z]+$'"],
  },
  { name: 'maxLength', spec: { s: { type: 'string', maxLength: 3 } }, value: { s: 'abcd' }, want: ['spec.s: Too long: must have at most 3 bytes'] },
  {
    name: 'minLength',
    spec: { s: { type: 'string', minLength: 2 } },
    value: { s: 'a' },
    want: ['spec.s: Invalid value: "a": spec.s in body should be at least 2 chars long'],
  },
  {
    name: 'maxItems',
    spec: { l: { type: 'array', maxItems: 1, items: { type: 'string' } } },
    value: { l: ['a', 'b'] },
    want: ['spec.l: Too many: 2: must have at most 1 items'],
  },
  {
    name: 'item type inside array',
    spec: { l: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
    value: { l: [{ name: 'a' }, { name: 5 }] },
    want: ['spec.l[1].name: Invalid value: "integer": spec.l[1].name in body must be of type string: "integer"'],
  },
  {
    name: 'format date-time',
    spec: { t: { type: 'string', format: 'date-time' } },
    value: { t: 'yesterday' },
    want: ['spec.t: Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"'],
  },
  { name: 'format date-time ok', spec: { t: { type: 'string', format: 'date-time' } }, value: { t: '2024-01-02T03:04:05Z' }, want: [] },
  { name: 'int-or-string int', spec: { p: { 'x-kubernetes-int-or-string': true } }, value: { p: 80 }, want: [] },
  { name: 'int-or-string string', spec: { p: { 'x-kubernetes-int-or-string': true } }, value: { p: '50%' }, want: [] },
  {
    name: 'int-or-string bool',
    spec: { p: { 'x-kubernetes-int-or-string': true } },
    value: { p: true },
    want: ['spec.p: Invalid value: "boolean": spec.p in body must be of type integer,string: "boolean"'],
  },
  {
    name: 'int-or-string quantity via anyOf',
    spec: { memory: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^\\d+[KMG]i?$', 'x-kubernetes-int-or-string': true } },
    value: { memory: '128Xi' },
    want: ["spec.memory: Invalid value: \"128Xi\": spec.memory in body should match '^\\d+[KMG]i?$'"],
  },
  { name: 'nullable null', spec: { n: { type: 'string', nullable: true } }, value: { n: null }, want: [] },
  {
    name: 'null in array is a type error',
    spec: { l: { type: 'array', items: { type: 'string' } } },
    value: { l: ['a', null] },
    want: ['spec.l[1]: Invalid value: "null": spec.l[1] in body must be of type string: "null"'],
  },
  {
    name: 'list-type set duplicates',
    spec: { l: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } },
    value: { l: ['a', 'b', 'a', 'a'] },
    want: ['spec.l[2]: Duplicate value: "a"'],
  },
  {
    name: 'list-type map duplicates',
    spec: {
      l: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, v: { type: 'integer' } } },
      },
    },
    value: { l: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] },
    want: ['spec.l[1]: Duplicate value: {"name":"a"}'],
  },
  {
    name: 'additionalProperties values',
    spec: { m: { type: 'object', additionalProperties: { type: 'integer' } } },
    value: { m: { a: 1, b: 'x' } },
    want: ['spec.m.b: Invalid value: "string": spec.m.b in body must be of type integer: "string"'],
  },
  {
    name: 'multipleOf',
    spec: { n: { type: 'integer', multipleOf: 5 } },
    value: { n: 7 },
    want: ['spec.n: Invalid value: 7: spec.n in body should be a multiple of 5'],
  },
];

for (const c of validationCases) {
  test(`CR validation: ${c.name}`, () => {
    const schema = objectSchema(c.spec, c.required ? { required: c.required } : {});
    assert.deepEqual(messages(schema, cr(c.value)), c.want);
  });
}

test('root required and type errors name the top-level field', () => {
  const schema: JSONSchemaProps = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
  assert.deepEqual(messages(schema, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), ['spec: Required value']);
  assert.deepEqual(messages(schema, cr('x')), ['spec: Invalid value: "string": spec in body must be of type object: "string"']);
});

const pruneCases: { name: string; spec: Record<string, JSONSchemaProps>; value: unknown; want: unknown; extra?: Partial<JSONSchemaProps> }[] = [
  { name: 'unknown fields dropped', spec: { a: { type: 'string' } }, value: { a: 'x', b: 'y' }, want: { a: 'x' } },
  {
    name: 'nested unknown fields dropped',
    spec: { o: { type: 'object', properties: { a: { type: 'string' } } } },
    value: { o: { a: 'x', z: 1 } },
    want: { o: { a: 'x' } },
  },
  {
    name: 'preserve-unknown-fields keeps unknowns but prunes declared',
    spec: { o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { k: { type: 'object', properties: { a: { type: 'string' } } } } } },
    value: { o: { free: { deep: 1 }, k: { a: 'x', z: 2 } } },
    want: { o: { free: { deep: 1 }, k: { a: 'x' } } },
  },
  {
    name: 'items pruned',
    spec: { l: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } },
    value: { l: [{ a: 'x', b: 1 }, { c: 2 }] },
    want: { l: [{ a: 'x' }, {}] },
  },
  {
    name: 'additionalProperties values pruned by their schema',
    spec: { m: { type: 'object', additionalProperties: { type: 'object', properties: { a: { type: 'string' } } } } },
    value: { m: { k1: { a: 'x', b: 'y' } } },
    want: { m: { k1: { a: 'x' } } },
  },
  {
    name: 'embedded resource keeps apiVersion/kind/metadata',
    spec: { tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } },
    value: { tpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', bogus: 1 }, spec: { a: 'x', b: 'y' }, other: 1 } },
    want: { tpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { a: 'x' } } },
  },
  { name: 'non-nullable null without default removed', spec: { a: { type: 'string' } }, value: { a: null }, want: {} },
  { name: 'nullable null kept', spec: { a: { type: 'string', nullable: true } }, value: { a: null }, want: { a: null } },
];

for (const c of pruneCases) {
  test(`pruning: ${c.name}`, () => {
    const obj = cr(c.value, { extraTop: true });
    compiled(objectSchema(c.spec)).pruneAndDefault(obj);
    assert.deepEqual(obj.spec, c.want);
    assert.equal('extraTop' in obj, false);
    assert.deepEqual(obj.metadata, { name: 'w', namespace: 'default' });
    assert.equal(obj.apiVersion, 'example.com/v1');
  });
}

const defaultCases: { name: string; spec: Record<string, JSONSchemaProps>; value: unknown; want: unknown }[] = [
  { name: 'scalar default', spec: { replicas: { type: 'integer', default: 1 } }, value: {}, want: { replicas: 1 } },
  { name: 'present value kept', spec: { replicas: { type: 'integer', default: 1 } }, value: { replicas: 3 }, want: { replicas: 3 } },
  { name: 'null non-nullable replaced by default', spec: { mode: { type: 'string', default: 'a' } }, value: { mode: null }, want: { mode: 'a' } },
  { name: 'null nullable kept', spec: { mode: { type: 'string', nullable: true, default: 'a' } }, value: { mode: null }, want: { mode: null } },
  {
    name: 'nested defaults inside a defaulted object',
    spec: { o: { type: 'object', default: {}, properties: { a: { type: 'string', default: 'x' }, b: { type: 'integer' } } } },
    value: {},
    want: { o: { a: 'x' } },
  },
  {
    name: 'defaults inside array items',
    spec: { l: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer', default: 80 }, name: { type: 'string' } } } } },
    value: { l: [{ name: 'a' }, { name: 'b', port: 8080 }] },
    want: { l: [{ name: 'a', port: 80 }, { name: 'b', port: 8080 }] },
  },
  {
    name: 'defaults inside map values',
    spec: { m: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } } },
    value: { m: { x: {}, y: { on: false } } },
    want: { m: { x: { on: true }, y: { on: false } } },
  },
  {
    name: 'default is copied, not shared',
    spec: { l: { type: 'array', items: { type: 'object', properties: { t: { type: 'object', default: { k: 1 }, properties: { k: { type: 'integer' } } } } } } },
    value: { l: [{}, {}] },
    want: { l: [{ t: { k: 1 } }, { t: { k: 1 } }] },
  },
];

for (const c of defaultCases) {
  test(`defaulting: ${c.name}`, () => {
    const obj = cr(c.value);
    compiled(objectSchema(c.spec)).pruneAndDefault(obj);
    assert.deepEqual(obj.spec, c.want);
  });
}

test('defaulted values are independent copies', () => {
  const v = compiled(objectSchema({ t: { type: 'object', default: { k: 1 }, properties: { k: { type: 'integer' } } } }));
  const a = cr({});
  const b = cr({});
  v.pruneAndDefault(a);
  v.pruneAndDefault(b);
  (a.spec as { t: { k: number } }).t.k = 2;
  assert.deepEqual(b.spec, { t: { k: 1 } });
});

test('compile builds resource info, columns, scale and the published schema', () => {
  const crd = newCrd(objectSchema({ replicas: { type: 'integer' } }), (c) => {
    c.spec.scope = 'Cluster';
    const v = c.spec.versions[0]!;
    v.subresources = { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } };
    v.additionalPrinterColumns = [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 }];
    c.spec.versions.push({ name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } });
  });
  const [v1, beta] = compileCrd(crd);
  assert.ok(v1 && beta);
  assert.equal(v1.info.namespaced, false);
  assert.deepEqual(v1.info.subresources, ['status', 'scale']);
  assert.deepEqual(v1.info.shortNames, ['wd']);
  assert.deepEqual(v1.info.categories, ['all']);
  assert.equal(v1.info.listKind, 'WidgetList');
  assert.ok(v1.info.verbs.includes('deletecollection'));
  assert.equal(v1.storage, true);
  assert.equal(beta.served, false);
  assert.deepEqual(v1.printerColumns, [{ name: 'Replicas', type: 'integer', priority: 1, jsonPath: '.spec.replicas' }]);
  assert.deepEqual(beta.printerColumns.map((c) => c.name), ['Age']);
  assert.deepEqual(v1.scale, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' });
  const s = v1.openAPIV3Schema as JSONSchemaProps;
  assert.deepEqual(Object.keys(s.properties ?? {}).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
});

test('embedded resources need apiVersion and kind', () => {
  const schema = objectSchema({
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
    list: { type: 'array', items: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
  });
  assert.deepEqual(messages(schema, cr({ template: { kind: 'my_pod' }, list: [{ apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 5, kind: 'Pod' }] })), [
    'spec.template.apiVersion: Required value',
    'spec.template.kind: Invalid value: "my_pod": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    'spec.list[1].apiVersion: Invalid value: 5: must be a string',
  ]);
});

test('unknownFieldPaths lists what pruning drops without changing the object', () => {
  const v = compiled(objectSchema({ l: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } }));
  const obj = cr({ l: [{ a: 'x', b: 1 }], extra: true }, { top: 1 });
  const before = JSON.stringify(obj);
  assert.deepEqual(v.unknownFieldPaths?.(obj), ['spec.l[0].b', 'spec.extra', 'top']);
  const e = compiled(objectSchema({ tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }));
  assert.deepEqual(e.unknownFieldPaths?.(cr({ tpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 } } })), ['spec.tpl.metadata.bogus']);
  assert.equal(JSON.stringify(obj), before);
});

test('the OpenAPI v2 schema drops what v2 cannot express', () => {
  const v = compiled(
    objectSchema(
      {
        n: { type: 'string', nullable: true },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        keep: { type: 'array', items: { type: 'string' } },
      },
      { required: ['n', 'keep'] },
    ),
  );
  const spec = ((v.openAPIV2Schema as JSONSchemaProps).properties?.['spec'] ?? {});
  assert.deepEqual(spec, {
    type: 'object',
    properties: { n: {}, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, p: { 'x-kubernetes-int-or-string': true }, keep: { type: 'array', items: { type: 'string' } } },
    required: ['keep'],
  });
  assert.equal(((v.openAPIV2Schema as JSONSchemaProps).properties?.['metadata'] as JSONSchemaProps).$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
});

test('definition names reverse the group like kube-openapi', () => {
  assert.equal(definitionName('kubevirt.io', 'v1', 'VirtualMachine'), 'io.kubevirt.v1.VirtualMachine');
  assert.equal(definitionName('', 'v1', 'Pod'), 'v1.Pod');
});
