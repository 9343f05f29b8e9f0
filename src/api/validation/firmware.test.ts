import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[], config?: ValidationConfig];
const F = 'spec.domain.firmware';

const cases: Case[] = [
  ['EFI with SMM', (v) => { v.spec.domain.firmware = { bootloader: { efi: {} } }; v.spec.domain.features = { smm: {} }; }, []],
  ['EFI without secure boot', (v) => { v.spec.domain.firmware = { bootloader: { efi: { secureBoot: false } } }; }, []],
  ['secure boot without SMM', (v) => { v.spec.domain.firmware = { bootloader: { efi: {} } }; }, [['spec.domain', 'spec.domain has EFI SecureBoot enabled. SecureBoot requires SMM, which is currently disabled.']]],
  ['BIOS and EFI', (v) => { v.spec.domain.firmware = { bootloader: { bios: {}, efi: { secureBoot: false } } }; }, [[`${F}.bootloader`, `${F}.bootloader has both EFI and BIOS configured, but they are mutually exclusive.`]]],
  ['serial characters', (v) => { v.spec.domain.firmware = { serial: 'a/b' }; }, [[`${F}.serial`, `${F}.serial must be made up of the following characters [A-Za-z0-9_.+-], if specified`]]],
  ['kernel args without kernel', (v) => { v.spec.domain.firmware = { kernelBoot: { kernelArgs: 'console=ttyS0' } }; }, [[`${F}.kernelBoot.kernelArgs`, 'kernel arguments cannot be provided without an external kernel']]],
  ['kernel boot container', (v) => { v.spec.domain.firmware = { kernelBoot: { container: { image: '', kernelPath: 'boot/vmlinuz' } } }; }, [
    [`${F}.kernelBoot.container.image`, `${F}.kernelBoot.container must be defined with an image`],
    [`${F}.kernelBoot.container.kernelPath`, `${F}.kernelBoot.container.kernelPath must be an absolute path to a file without relative components`],
  ]],
  ['kernel boot without paths', (v) => { v.spec.domain.firmware = { kernelBoot: { container: { image: 'k' } } }; }, [[`${F}.kernelBoot.container`, `${F}.kernelBoot.container must be defined with at least one of the following: kernelPath, initrdPath`]]],
  ['ACPI without tables', (v) => { v.spec.domain.firmware = { acpi: {} }; }, [['spec.acpi', 'ACPI was set but no SLIC nor MSDM volume reference was set']]],
  ['ACPI table without volume', (v) => { v.spec.domain.firmware = { acpi: { slicNameRef: 'slic' } }; }, [['spec.acpi.slicNameRef', 'spec.acpi does not have a matching Volume.']]],
  ['ACPI table on a non-secret', (v) => { v.spec.domain.firmware = { acpi: { msdmNameRef: 'rootdisk' } }; }, [['spec.acpi.msdmNameRef', 'spec.acpi refers to Volume of unsupported type.']]],
  ['versioned q35 machine', (v) => { v.spec.domain.machine = { type: 'pc-q35-8.2' }; }, []],
  ['machine type not allowed', (v) => { v.spec.domain.machine = { type: 'pc-i440fx-2.5' }; }, [['spec.domain.machine.type', 'spec.domain.machine.type is not supported: pc-i440fx-2.5 (allowed values: [q35* pc-q35*])']]],
  ['machine allowed by cluster config', (v) => { v.spec.domain.machine = { type: 'pc-i440fx-2.5' }; }, [], configWith({ architectureConfiguration: { amd64: { emulatedMachines: ['pc-i440fx*'] } } })],
];

test('firmware and machine rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVMI(validVMI(mod), config ?? configWith()), want, name);
});
