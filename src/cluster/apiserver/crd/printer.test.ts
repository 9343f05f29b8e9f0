import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/index.js';
import { compileJSONPath } from './jsonpath.js';
import { cellFor, columnCell, tableCells, tableColumns } from './printer.js';

const vm: KubeObject = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name: 'vm1', creationTimestamp: '2024-05-01T10:00:00Z', labels: { 'app.kubernetes.io/name': 'db' } },
  spec: { template: { spec: { domain: { devices: { disks: [{ name: 'root' }, { name: 'data' }] } } } }, replicas: 3 },
  status: {
    printableStatus: 'Running',
    ready: true,
    conditions: [
      { type: 'Paused', status: 'False' },
      { type: 'Ready', status: 'True' },
    ],
    interfaces: [{ ipAddress: '10.0.0.5' }, { ipAddress: '10.0.0.6' }],
  },
};

const paths: { expr: string; want: unknown[] }[] = [
  { expr: '.status.printableStatus', want: ['Running'] },
  { expr: '{.metadata.creationTimestamp}', want: ['2024-05-01T10:00:00Z'] },
  { expr: '.spec.template.spec.domain.devices.disks[1].name', want: ['data'] },
  { expr: '.spec.template.spec.domain.devices.disks[-1].name', want: ['data'] },
  { expr: '.spec.template.spec.domain.devices.disks[*].name', want: ['root', 'data'] },
  { expr: '.spec.template.spec.domain.devices.disks[0:1].name', want: ['root'] },
  { expr: '.status.conditions[?(@.type=="Ready")].status', want: ['True'] },
  { expr: ".status.conditions[?(@.type!='Ready')].type", want: ['Paused'] },
  { expr: ".metadata.labels['app.kubernetes.io/name']", want: ['db'] },
  { expr: '.metadata.labels.app\\.kubernetes\\.io/name', want: ['db'] },
  { expr: '.status.missing', want: [] },
  { expr: '.status.interfaces[5].ipAddress', want: [] },
];

for (const c of paths) test(`jsonpath ${c.expr}`, () => assert.deepEqual(compileJSONPath(c.expr)(vm), c.want));

test('jsonpath rejects unsupported syntax with a 400', () => {
  assert.throws(() => compileJSONPath('.a[?(x)]'), (e: Error) => e.name === 'StatusError');
  assert.throws(() => compileJSONPath('.a[0'), /unterminated/);
});

const cells: { type: string; value: unknown; want: unknown }[] = [
  { type: 'string', value: 'x', want: 'x' },
  { type: 'string', value: 3, want: '3' },
  { type: 'string', value: { b: 1, a: [1, 'x'] }, want: 'map[a:[1 x] b:1]' },
  { type: 'integer', value: 3.7, want: 3 },
  { type: 'integer', value: '3', want: null },
  { type: 'number', value: 1.5, want: 1.5 },
  { type: 'boolean', value: true, want: true },
  { type: 'boolean', value: 'true', want: null },
  { type: 'date', value: '2024-05-01T10:00:00Z', want: '2024-05-01T10:00:00Z' },
  { type: 'date', value: 'yesterday', want: '<invalid>' },
  { type: 'string', value: undefined, want: null },
];

for (const c of cells) test(`cell ${c.type} ${JSON.stringify(c.value)}`, () => assert.deepEqual(cellFor(c.type, c.value), c.want));

test('table columns and cells for a VM-like printer column set', () => {
  const columns = [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Status', type: 'string', jsonPath: '.status.printableStatus' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'IP', type: 'string', jsonPath: '.status.interfaces[0].ipAddress', priority: 1 },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Gone', type: 'string', jsonPath: '.status.nothing' },
  ];
  assert.deepEqual(tableColumns(columns).map((c) => [c.name, c.format, c.priority]), [
    ['Name', 'name', 0],
    ['Age', '', 0],
    ['Status', '', 0],
    ['Ready', '', 0],
    ['IP', '', 1],
    ['Replicas', '', 0],
    ['Gone', '', 0],
  ]);
  assert.deepEqual(tableCells(columns, vm), ['vm1', '2024-05-01T10:00:00Z', 'Running', 'True', '10.0.0.5', 3, null]);
  assert.equal(columnCell({ name: 'Bad', type: 'string', jsonPath: '.a[' }, vm), null);
});
