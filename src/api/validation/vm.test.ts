import { test } from 'node:test';
import { validateVM } from './vm.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachine } from '../kubevirt/vm.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachine) => void, want: readonly Want[], config?: ValidationConfig];
const T = 'spec.template.spec';

function validVM(mod: (v: VirtualMachine) => void): VirtualMachine {
  const vm: VirtualMachine = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm', namespace: 'default' },
    spec: { runStrategy: 'Always', template: { metadata: { labels: { app: 'x' } }, spec: validVMI().spec } },
  };
  mod(vm);
  return vm;
}
const dvTemplate = (name: string, volumeName = name) => (vm: VirtualMachine) => {
  vm.spec.dataVolumeTemplates = [{ metadata: { name }, spec: { source: { http: { url: 'http://x' } } } }];
  vm.spec.template.spec!.volumes!.push({ name: volumeName, dataVolume: { name: volumeName } });
  vm.spec.template.spec!.domain.devices.disks!.push({ name: volumeName, disk: {} });
};

const cases: Case[] = [
  ['valid VM', () => {}, []],
  ['running instead of runStrategy', (vm) => { delete vm.spec.runStrategy; vm.spec.running = false; }, []],
  ['data volume template used', dvTemplate('root-dv'), []],
  ['template spec errors use the template path', (vm) => { vm.spec.template.spec!.domain.devices.disks![0]!.bootOrder = 0; }, [[`${T}.domain.devices.disks[0].bootOrder`, `${T}.domain.devices.disks[0] must have a boot order > 0, if supplied`]]],
  ['missing template', (vm) => { delete (vm.spec as Partial<VirtualMachine['spec']>).template; }, [['spec.template', 'missing virtual machine template.']]],
  ['running and runStrategy', (vm) => { vm.spec.running = true; }, [['spec.running', 'Running and RunStrategy are mutually exclusive']]],
  ['neither running nor runStrategy', (vm) => { delete vm.spec.runStrategy; }, [['spec.running', 'One of Running or RunStrategy must be specified']]],
  ['invalid runStrategy', (vm) => { vm.spec.runStrategy = 'Sometimes' as never; }, [['spec.runStrategy', 'Invalid RunStrategy (Sometimes)']]],
  ['data volume template without name', dvTemplate('', 'disk1'), [
    ['spec.dataVolumeTemplate[0].name', "'name' field must not be empty for DataVolumeTemplate entry spec.dataVolumeTemplate[0]."],
    ['spec.dataVolumeTemplate[0]', "DataVolumeTemplate entry spec.dataVolumeTemplate[0] must be referenced in the VMI template's 'volumes' list"],
  ]],
  ['reserved template label', (vm) => { vm.spec.template.metadata = { labels: { 'kubevirt.io/created-by': 'me' } }; }, [['spec.template.metadata.labels', 'creation of the following reserved kubevirt.io/ labels on a VMI object is prohibited']]],
  ['memory hotplug rules', (vm) => { vm.spec.template.spec!.domain.memory = { guest: '1Gi', maxGuest: '513Mi' }; }, [
    [`${T}.domain.memory.guest`, 'Guest memory is greater than the configured maxGuest memory'],
    [`${T}.domain.memory.maxGuest`, 'MaxGuest must be 2Mi aligned'],
  ]],
  ['memory hotplug ignored under Stage', (vm) => { vm.spec.template.spec!.domain.memory = { guest: '1Gi', maxGuest: '513Mi' }; }, [], configWith({ vmRolloutStrategy: 'Stage' })],
  ['updateVolumesStrategy needs gate', (vm) => { vm.spec.updateVolumesStrategy = 'Replacement'; }, [['updateVolumesStrategy', 'VolumesUpdateStrategy feature gate is not enabled in kubevirt-config']]],
];

test('VM rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVM(validVM(mod), config ?? configWith()), want, name);
});
