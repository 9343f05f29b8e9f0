import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachine } from '../vm.js';
import { clusterConfigFromKubeVirt, DEFAULT_CLUSTER_CONFIG } from './cluster-config.js';
import { defaultVM } from './vm.js';
import { defaultMigration } from './migration.js';

const newVM = (mod: (vm: VirtualMachine) => void = () => {}): VirtualMachine => {
  const vm: VirtualMachine = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'testvm', namespace: 'default' },
    spec: { runStrategy: 'Always', template: { spec: { domain: { devices: {} } } } },
  };
  mod(vm);
  return vm;
};

test('VM defaults: architecture, machine type, firmware UUID, instancetype kinds', () => {
  const out = defaultVM(
    newVM((vm) => {
      vm.spec.instancetype = { name: 'u1.small' };
      vm.spec.preference = { name: 'fedora', kind: 'VirtualMachinePreference' };
    }),
    DEFAULT_CLUSTER_CONFIG,
  ).object;
  const t = out.spec.template.spec!;
  assert.equal(t.architecture, 'amd64');
  assert.deepEqual(t.domain.machine, { type: 'q35' });
  assert.equal(t.domain.firmware?.uuid, '5a9fc181-957e-5c32-9e5a-2de5e9673531');
  assert.equal(out.spec.instancetype?.kind, 'virtualmachineclusterinstancetype');
  assert.equal(out.spec.preference?.kind, 'VirtualMachinePreference');
  assert.equal(t.domain.devices.interfaces, undefined, 'VMI spec defaults are applied to the VMI, not the template');
});

test('VM defaults keep user values and follow the cluster', () => {
  const cfg = clusterConfigFromKubeVirt({ spec: { configuration: { architectureConfiguration: { arm64: { machineType: 'virt-9.0' } } } } });
  const t = defaultVM(newVM((vm) => (vm.spec.template.spec!.architecture = 'arm64')), cfg).object.spec.template.spec!;
  assert.deepEqual(t.domain.machine, { type: 'virt-9.0' });
  const kept = defaultVM(newVM((vm) => (vm.spec.template.spec!.domain.machine = { type: 'pc-q35-8.0' })), DEFAULT_CLUSTER_CONFIG).object;
  assert.deepEqual(kept.spec.template.spec!.domain.machine, { type: 'pc-q35-8.0' });
});

test('VM defaulting is idempotent and tolerates a missing template', () => {
  const once = defaultVM(newVM(), DEFAULT_CLUSTER_CONFIG).object;
  assert.deepEqual(defaultVM(once, DEFAULT_CLUSTER_CONFIG).object, once);
  const broken = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'x' }, spec: {} } as unknown as VirtualMachine;
  assert.deepEqual(defaultVM(broken, DEFAULT_CLUSTER_CONFIG).object, broken);
});

test('migrations get the VMI selector label and the migration finalizer, once', () => {
  const vmim = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'm', labels: { a: 'b' } }, spec: { vmiName: 'testvmi' } };
  const once = defaultMigration(vmim).object;
  assert.deepEqual(once.metadata?.labels, { a: 'b', 'kubevirt.io/vmi-name': 'testvmi' });
  assert.deepEqual(once.metadata?.finalizers, ['kubevirt.io/migrationJobFinalize']);
  assert.deepEqual(defaultMigration(once).object, once);
  assert.equal(vmim.metadata.labels['kubevirt.io/vmi-name' as 'a'], undefined, 'input untouched');
});
