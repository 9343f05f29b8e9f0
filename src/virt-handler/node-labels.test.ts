import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilityLabels, labelPatch, parseCpuModels, parseMachineTypes } from './node-labels.js';

const CPU_HELP = `Available CPUs:
x86 486                   (alias configured by machine type)
x86 Haswell               (alias configured by machine type)
x86 qemu64                QEMU Virtual CPU version 2.5+

Recognized CPUID flags:
  3dnow 3dnowext`;
const MACHINE_HELP = `Supported machines are:
pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)
q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)
pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)
none                 empty machine`;

test('parses QEMU help output', () => {
  assert.deepEqual(parseCpuModels(CPU_HELP), ['486', 'Haswell', 'qemu64']);
  assert.deepEqual(parseMachineTypes(MACHINE_HELP), ['q35', 'pc-q35-7.2']);
});

const cases: [string, boolean, Record<string, string>][] = [
  ['emulation offers only TCG-safe models', false, { 'cpu-model.node.kubevirt.io/486': 'true', 'cpu-model.node.kubevirt.io/qemu64': 'true', 'machine-type.node.kubevirt.io/q35': 'true' }],
  ['KVM offers every model', true, { 'cpu-model.node.kubevirt.io/486': 'true', 'cpu-model.node.kubevirt.io/Haswell': 'true', 'cpu-model.node.kubevirt.io/qemu64': 'true', 'machine-type.node.kubevirt.io/q35': 'true' }],
];
for (const [name, kvm, want] of cases) test(`capabilityLabels: ${name}`, () => assert.deepEqual(capabilityLabels(kvm, ['486', 'Haswell', 'qemu64'], ['q35']), want));

test('labelPatch removes labels no longer offered and leaves unrelated ones', () => {
  const current = { 'cpu-model.node.kubevirt.io/Haswell': 'true', 'cpu-model.node.kubevirt.io/qemu64': 'true', 'kubernetes.io/hostname': 'n1' };
  assert.deepEqual(labelPatch(current, { 'cpu-model.node.kubevirt.io/qemu64': 'true', 'machine-type.node.kubevirt.io/q35': 'true' }), {
    'cpu-model.node.kubevirt.io/Haswell': null,
    'machine-type.node.kubevirt.io/q35': 'true',
  });
});
