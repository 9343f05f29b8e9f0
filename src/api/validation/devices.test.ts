import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, withGates, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { ValidationConfig } from './cause.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[], config?: ValidationConfig];

const cases: Case[] = [
  ['tablet on virtio', (v) => { v.spec.domain.devices.inputs = [{ name: 't', type: 'tablet', bus: 'virtio' }]; }, []],
  ['keyboard on ps2', (v) => { v.spec.domain.devices.inputs = [{ name: 'k', type: 'keyboard', bus: 'ps2' as never }]; }, [
    ['spec.domain.devices.inputs[0].bus', 'Input device can have only virtio or usb bus.'],
    ['spec.domain.devices.inputs[0].type', 'Input device can have only tablet type.'],
  ]],
  ['unknown IO threads policy', (v) => { v.spec.domain.ioThreadsPolicy = 'many' as never; }, [['spec.domain.ioThreadsPolicy', 'Invalid IOThreadsPolicy (many)']]],
  ['supplementalPool without count', (v) => { v.spec.domain.ioThreadsPolicy = 'supplementalPool'; }, [['spec.domain.ioThreads.count', 'the number of iothreads needs to be set and positive for the dedicated policy']]],
  ['host devices need gate', (v) => { v.spec.domain.devices.hostDevices = [{ name: 'h', deviceName: 'x/y' }]; }, [['spec.HostDevices', 'Host Devices feature gate is not enabled in kubevirt-config']]],
  ['host devices with gate', (v) => { v.spec.domain.devices.hostDevices = [{ name: 'h', deviceName: 'x/y' }]; }, [], withGates('HostDevices')],
  ['sound', (v) => { v.spec.domain.devices.sound = { name: '', model: 'sb16' as never }; }, [
    ['spec.Sound', "Sound device type is not supported. Options: 'ich9' or 'ac97'"],
    ['spec.Sound', 'Sound device requires a name field.'],
  ]],
  ['VSOCK needs gate', (v) => { v.spec.domain.devices.autoattachVSOCK = true; }, [['spec.domain.devices.autoattachVSOCK', 'VSOCK feature gate is not enabled in kubevirt-config']]],
  ['downward metrics device needs gate', (v) => { v.spec.domain.devices.downwardMetrics = {}; }, [['spec.domain.devices.downwardMetrics', 'downwardMetrics virtio serial is not allowed: DownwardMetrics feature gate is not enabled']]],
  ['video needs gate', (v) => { v.spec.domain.devices.video = { type: 'virtio' }; }, [['spec.video', 'Video configuration is specified but the VideoConfig feature gate is not enabled']]],
  ['panic devices', (v) => { v.spec.domain.devices.panicDevices = [{ model: 'loud' as never }]; }, [['spec.domain.devices.panicDevices[0].model', 'invalid PanicDeviceModel(loud)']], withGates('PanicDevices')],
  ['virtiofs config volume needs gate', (v) => {
    v.spec.volumes!.push({ name: 'cfg', configMap: { name: 'c' } });
    v.spec.domain.devices.filesystems = [{ name: 'cfg', virtiofs: {} }];
  }, [['spec.domain.devices.filesystems', 'virtiofs is not allowed: virtiofs feature gate is not enabled for config volumes']]],
  ['SEV needs gate', (v) => { v.spec.domain.launchSecurity = { sev: {} }; }, [['spec.launchSecurity', 'WorkloadEncryptionSEV feature gate is not enabled in kubevirt-config']]],
  ['SEV needs EFI', (v) => { v.spec.domain.launchSecurity = { sev: {} }; }, [['spec.launchSecurity', 'SEV requires OVMF (UEFI)']], withGates('WorkloadEncryptionSEV')],
  ['eviction strategy from the cluster', () => {}, [['spec.evictionStrategy', 'spec.evictionStrategy is set with an unrecognized option: Sometimes']], configWith({ evictionStrategy: 'Sometimes' as never })],
  ['foreign architecture needs MultiArchitecture', (v) => { v.spec.architecture = 's390x'; v.spec.domain.machine = { type: 's390-ccw-virtio' }; }, [['spec.architecture', 'MultiArchitecture feature gate is not enabled in kubevirt-config, invalid entry spec.architecture']]],
  ['unsupported architecture', (v) => { v.spec.architecture = 'riscv64'; v.spec.domain.machine = {}; }, [['spec.architecture', 'unsupported architecture: riscv64']], withGates('MultiArchitecture')],
  ['reserved label', (v) => { v.metadata!.labels = { 'kubevirt.io/nodeName': 'n1' }; }, [['metadata.labels', 'creation of the following reserved kubevirt.io/ labels on a VMI object is prohibited']]],
  ['ignition annotation needs gate', (v) => { v.metadata!.annotations = { 'kubevirt.io/ignitiondata': '{}' }; }, [['metadata.annotations', 'ExperimentalIgnitionSupport feature gate is not enabled in kubevirt-config, invalid entry metadata.annotations.kubevirt.io/ignitiondata']]],
];

test('device, architecture and metadata rules: field path and message of each cause', () => {
  for (const [name, mod, want, config] of cases) assertCauses(validateVMI(validVMI(mod), config ?? configWith()), want, name);
});
