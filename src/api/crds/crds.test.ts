import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kubevirtCrds, kubevirtCrd } from './definitions.js';
import { parse } from 'yaml';
import { fieldErrorMessage } from '../meta/index.js';
import { crdFileName, renderCrd, toYAML } from './render.js';
import { checkAgainstCrd } from './schema-check.js';

const deployDir = new URL('../../../deploy/crds/', import.meta.url).pathname;

test('committed deploy/crds match the TypeBox types', () => {
  const crds = kubevirtCrds();
  const expected = new Set(crds.map(crdFileName));
  const onDisk = new Set(readdirSync(deployDir).filter((f) => f.endsWith('.yaml')));
  assert.deepEqual([...onDisk].sort(), [...expected].sort(), 'run `npm run generate:crds` to regenerate deploy/crds');
  for (const crd of crds) {
    const committed = readFileSync(join(deployDir, crdFileName(crd)), 'utf8');
    assert.ok(committed === renderCrd(crd), `deploy/crds/${crdFileName(crd)} drifted from src/api/kubevirt: run \`npm run generate:crds\``);
  }
});

test('rendered YAML parses back to the CRD object', () => {
  for (const crd of kubevirtCrds()) assert.deepEqual(parse(renderCrd(crd)), crd, crd.metadata.name);
  const tricky = { a: 'yes', b: '1.0', c: '- x', d: 'a: b', e: '', f: [[1, 2], {}], g: { 'x.y/z': null }, h: "it's", i: ' lead', j: 'trail ', k: '#c' };
  assert.deepEqual(parse(toYAML(tricky)), tricky);
});

test('names, short names, categories and scope follow upstream', () => {
  const table = [
    ['VirtualMachineInstance', 'virtualmachineinstances', ['vmi', 'vmis']],
    ['VirtualMachine', 'virtualmachines', ['vm', 'vms']],
    ['VirtualMachineInstanceReplicaSet', 'virtualmachineinstancereplicasets', ['vmirs', 'vmirss']],
    ['VirtualMachineInstanceMigration', 'virtualmachineinstancemigrations', ['vmim', 'vmims']],
    ['VirtualMachineInstancePreset', 'virtualmachineinstancepresets', ['vmipreset', 'vmipresets']],
    ['KubeVirt', 'kubevirts', ['kv', 'kvs']],
  ] as const;
  for (const [kind, plural, shortNames] of table) {
    const crd = kubevirtCrd(kind)!;
    assert.equal(crd.metadata.name, `${plural}.kubevirt.io`);
    assert.deepEqual(crd.spec.names.shortNames, shortNames);
    assert.deepEqual(crd.spec.names.categories, ['all']);
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.equal(crd.spec.versions.filter((v) => v.storage).length, 1, kind);
  }
});

test('printer columns and subresources per kind', () => {
  const cols = (kind: string) => kubevirtCrd(kind)!.spec.versions[0]!.additionalPrinterColumns?.map((c) => `${c.name}${c.priority ? `/${c.priority}` : ''}`);
  assert.deepEqual(cols('VirtualMachineInstance'), ['Age', 'Phase', 'IP', 'NodeName', 'Ready', 'Live-Migratable/1', 'Paused/1']);
  assert.deepEqual(cols('VirtualMachine'), ['Age', 'Status', 'Ready']);
  assert.deepEqual(cols('VirtualMachineInstanceReplicaSet'), ['Desired', 'Current', 'Ready', 'Age']);
  assert.deepEqual(cols('VirtualMachineInstanceMigration'), ['Phase', 'VMI']);
  assert.deepEqual(cols('KubeVirt'), ['Age', 'Phase']);
  assert.equal(kubevirtCrd('VirtualMachineInstance')!.spec.versions[0]!.subresources, undefined, 'upstream VMIs have no status subresource');
  assert.deepEqual(kubevirtCrd('VirtualMachineInstanceReplicaSet')!.spec.versions[0]!.subresources, {
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' },
    status: {},
  });
  assert.deepEqual(kubevirtCrd('VirtualMachine')!.spec.versions[0]!.subresources, { status: {} });
});

test('v1 is the storage version and v1alpha3 is served deprecated', () => {
  const versions = kubevirtCrd('VirtualMachine')!.spec.versions.map((v) => [v.name, v.served, v.storage, v.deprecated ?? false]);
  assert.deepEqual(versions, [
    ['v1', true, true, false],
    ['v1alpha3', true, false, true],
  ]);
});

test('schema shape check reports errors worded as the API server words them', () => {
  const msgs = (o: object) => checkAgainstCrd(o).map(fieldErrorMessage);
  const vmi = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'x' }, spec: { domain: { devices: { disks: [{ name: 1 }] } } } };
  assert.deepEqual(msgs(vmi), ['spec.domain.devices.disks[0].name: Invalid value: "integer": spec.domain.devices.disks[0].name in body must be of type string: "integer"']);
  assert.deepEqual(msgs({ kind: 'VirtualMachineInstance', spec: { domain: {} } }), ['spec.domain.devices: Required value']);
  const tooMany = { kind: 'VirtualMachineInstance', spec: { domain: { devices: { disks: Array.from({ length: 257 }, (_, i) => ({ name: `d${i}` })) } } } };
  assert.deepEqual(msgs(tooMany), ['spec.domain.devices.disks: Too many: 257: must have at most 256 items']);
  const quantity = { kind: 'VirtualMachineInstance', spec: { domain: { devices: {}, resources: { requests: { memory: true, cpu: '1x' } } } } };
  assert.deepEqual(msgs(quantity), [
    'spec.domain.resources.requests[memory]: Invalid value: "boolean": spec.domain.resources.requests[memory] in body must be of type integer,string: "boolean"',
    `spec.domain.resources.requests[cpu]: Invalid value: "1x": spec.domain.resources.requests[cpu] in body should match '${'^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'}'`,
  ]);
  const enumBad = { kind: 'VirtualMachineInstance', spec: { domain: { devices: {}, rebootPolicy: 'Never' } } };
  assert.deepEqual(msgs(enumBad), ['spec.domain.rebootPolicy: Unsupported value: "Never": supported values: "Reboot", "Terminate"']);
  assert.deepEqual(msgs({ kind: 'KubeVirt', spec: { configuration: { developerConfiguration: { memoryOvercommit: 5 } } } }), [
    'spec.configuration.developerConfiguration.memoryOvercommit: Invalid value: 5: spec.configuration.developerConfiguration.memoryOvercommit in body should be greater than or equal to 10',
  ]);
});
