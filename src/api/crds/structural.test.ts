import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneObject, validateStructural } from './structural.js';
import { crdSchemaFor } from './schema-check.js';

test('pruning drops unknown fields but keeps preserved and map entries', () => {
  const schema = crdSchemaFor('VirtualMachine');
  const vm = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'a', labels: { x: 'y' } },
    bogus: 1,
    spec: {
      running: true,
      unknownField: 'dropped',
      template: { metadata: { labels: { a: 'b' }, anything: 1 }, spec: { domain: { devices: { disks: [{ name: 'd', junk: 1 }] }, resources: { requests: { memory: '1Gi' } } } } },
      dataVolumeTemplates: [{ metadata: { name: 'dv' }, spec: { source: { http: { url: 'http://x' } }, storage: {} } }],
    },
  };
  const pruned = pruneObject(schema, vm) as typeof vm;
  assert.equal('bogus' in pruned, false);
  assert.equal('unknownField' in pruned.spec, false);
  assert.deepEqual(pruned.spec.template.spec.domain.devices.disks, [{ name: 'd' }]);
  assert.deepEqual(pruned.spec.template.metadata, { labels: { a: 'b' }, anything: 1 }, 'template metadata preserves unknown fields');
  assert.deepEqual(pruned.spec.dataVolumeTemplates[0]!.spec, vm.spec.dataVolumeTemplates[0]!.spec, 'DataVolume spec is preserved');
  assert.deepEqual(pruned.spec.template.spec.domain.resources, { requests: { memory: '1Gi' } });
  assert.deepEqual(pruned.metadata, vm.metadata);
});

test('nullable fields accept null, others do not', () => {
  const schema = { type: 'object', properties: { a: { type: 'string', nullable: true }, b: { type: 'string' } } };
  assert.deepEqual(validateStructural(schema, { a: null }), []);
  assert.deepEqual(validateStructural(schema, { b: null }).map((e) => e.field), ['b']);
});
