import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../../api/meta/index.js';
import { crds } from './index.js';
import type { JSONSchemaProps } from './schema.js';
import { newCrd, objectSchema, type TestCrd } from './testdata.js';

const schemaPath = 'spec.versions[0].schema.openAPIV3Schema';
const good = objectSchema({ replicas: { type: 'integer', default: 1 } });

const cases: { name: string; crd: TestCrd; want: string[] }[] = [
  { name: 'valid CRD', crd: newCrd(good), want: [] },
  {
    name: 'name must be plural.group',
    crd: newCrd(good, (c) => (c.metadata = { name: 'widget.example.com' })),
    want: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'],
  },
  {
    name: 'group needs a dot',
    crd: newCrd(good, (c) => {
      c.spec.group = 'example';
      c.metadata = { name: 'widgets.example' };
    }),
    want: ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
  },
  {
    name: 'bad scope',
    crd: newCrd(good, (c) => (c.spec.scope = 'Global')),
    want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
  },
  {
    name: 'names: missing singular and invalid plural',
    crd: newCrd(good, (c) => {
      c.spec.names = { plural: 'Widgets', kind: 'Widget', listKind: 'WidgetList' };
      c.metadata = { name: 'Widgets.example.com' };
    }),
    want: [
      'metadata.name: Invalid value: "Widgets.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'spec.names.singular: Required value',
      'spec.names.plural: Invalid value: "Widgets": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    ],
  },
  {
    name: 'kind equals listKind',
    crd: newCrd(good, (c) => (c.spec.names = { ...c.spec.names, listKind: 'Widget' })),
    want: ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'],
  },
  {
    name: 'exactly one storage version',
    crd: newCrd(good, (c) => c.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: good } })),
    want: ['spec.versions: Invalid value: [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"replicas":{"type":"integer","default":1}}},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}},{"name":"v2","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"replicas":{"type":"integer","default":1}}},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]: must have exactly one version marked as storage version'],
  },
  {
    name: 'schema required',
    crd: newCrd(good, (c) => delete c.spec.versions[0]!.schema),
    want: [`${schemaPath}: Required value: schemas are required`],
  },
  {
    name: 'missing type on a field',
    crd: newCrd({ type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }),
    want: [`${schemaPath}.properties[spec].type: Required value: must not be empty for specified object fields`],
  },
  {
    name: 'missing type on items and on the root',
    crd: newCrd({ properties: { l: { type: 'array', items: { description: 'x' } } } }),
    want: [`${schemaPath}.type: Required value: must not be empty at the root`, `${schemaPath}.properties[l].items.type: Required value: must not be empty for specified array items`],
  },
  {
    name: 'array without items',
    crd: newCrd(objectSchema({ l: { type: 'array' } })),
    want: [`${schemaPath}.properties[spec].properties[l].items: Required value: must be specified`],
  },
  {
    name: 'int-or-string and preserve-unknown-fields need no type',
    crd: newCrd(objectSchema({ p: { 'x-kubernetes-int-or-string': true }, free: { 'x-kubernetes-preserve-unknown-fields': true } })),
    want: [],
  },
  {
    name: 'additionalProperties with properties',
    crd: newCrd(objectSchema({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } })),
    want: [`${schemaPath}.properties[spec].properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  },
  {
    name: 'uniqueItems and $ref',
    crd: newCrd(objectSchema({ l: { type: 'array', uniqueItems: true, items: { type: 'string' } }, r: { $ref: '#/x', type: 'object' } })),
    want: [
      `${schemaPath}.properties[spec].properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      `${schemaPath}.properties[spec].properties[r].$ref: Forbidden: $ref is not supported`,
    ],
  },
  {
    name: 'type under a junctor is not structural',
    crd: newCrd(objectSchema({ a: { type: 'string', anyOf: [{ type: 'string' }, { pattern: '^x' }] } })),
    want: [`${schemaPath}.properties[spec].properties[a].anyOf[0].type: Forbidden: must be empty to be structural`],
  },
  {
    name: 'root metadata may only restrict name and generateName',
    crd: newCrd({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }),
    want: [`${schemaPath}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  },
  {
    name: 'default of the wrong type',
    crd: newCrd(objectSchema({ r: { type: 'integer', default: 'one' } })),
    want: [`${schemaPath}.properties[spec].properties[r].default: Invalid value: "string":  in body must be of type integer: "string"`],
  },
  {
    name: 'default with unknown fields',
    crd: newCrd(objectSchema({ o: { type: 'object', default: { a: 1, b: 2 }, properties: { a: { type: 'integer' } } } })),
    want: [`${schemaPath}.properties[spec].properties[o].default: Invalid value: {"a":1,"b":2}: must not have unknown fields`],
  },
  {
    name: 'list-type map needs keys that are required or defaulted',
    crd: newCrd(objectSchema({ l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } } })),
    want: [`${schemaPath}.properties[spec].properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
  },
  {
    name: 'unknown list type',
    crd: newCrd(objectSchema({ l: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } } })),
    want: [`${schemaPath}.properties[spec].properties[l].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`],
  },
  {
    name: 'preserve-unknown-fields false',
    crd: newCrd(objectSchema({ o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } })),
    want: [`${schemaPath}.properties[spec].properties[o].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`],
  },
  {
    name: 'scale paths and printer columns',
    crd: newCrd(good, (c) => {
      c.spec.versions[0]!.subresources = { scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '' } };
      c.spec.versions[0]!.additionalPrinterColumns = [{ name: 'X', type: 'text', jsonPath: 'spec.x' }];
    }),
    want: [
      'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.versions[0].subresources.scale.statusReplicasPath: Required value',
      'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
      'spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .',
    ],
  },
];

for (const c of cases) {
  test(`validateCrd: ${c.name}`, () => assert.deepEqual(crds.validateCrd(c.crd).map(fieldErrorMessage), c.want));
}

test('validateCrd on update: group and plural are immutable, kind and scope once established', () => {
  const old = newCrd(good);
  const renamed = newCrd(good, (c) => {
    c.spec.names = { ...c.spec.names, plural: 'gadgets', kind: 'Gadget', listKind: 'GadgetList' };
    c.metadata = { name: 'gadgets.example.com' };
  });
  assert.deepEqual(crds.validateCrd(renamed, old).map(fieldErrorMessage), ['spec.names.plural: Invalid value: "gadgets": field is immutable']);
  const established: TestCrd = { ...old, status: { conditions: [{ type: 'Established', status: 'True' }] } };
  assert.deepEqual(crds.validateCrd(renamed, established).map(fieldErrorMessage), [
    'spec.names.kind: Invalid value: "Gadget": field is immutable',
    'spec.names.plural: Invalid value: "gadgets": field is immutable',
  ]);
});

test('an accepted CRD compiles and validates custom objects', () => {
  const schema: JSONSchemaProps = objectSchema({ replicas: { type: 'integer', minimum: 0, default: 1 } });
  const crd = newCrd(schema);
  assert.deepEqual(crds.validateCrd(crd), []);
  const [v1] = crds.compile(crd);
  const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
  v1!.pruneAndDefault(obj);
  assert.deepEqual(obj.spec, { replicas: 1 });
  assert.deepEqual(v1!.validate({ ...obj, spec: { replicas: -1 } }).map(fieldErrorMessage), [
    'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
  ]);
});

test('defaults are forbidden in top-level metadata', () => {
  const crd = newCrd({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } } });
  assert.deepEqual(crds.validateCrd(crd).map(fieldErrorMessage), [
    `${schemaPath}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
  ]);
});
