import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { newVMI, withContainerDisk, withDisk, withInterface, withMemory, withVolume, type VMIMod } from '../../api/kubevirt/defaults/testing.js';
import { DEFAULT_CLUSTER_CONFIG, defaultVMI } from '../../api/kubevirt/defaults/index.js';
import { buildDomainSpec, convertVMI } from './convert.js';

const ctx = { privateDir: '/run/p' };
const vmi = (...mods: VMIMod[]): VirtualMachineInstance =>
  defaultVMI(newVMI('vm', withMemory('64Mi'), withContainerDisk('root', 'img:v1'), ...mods), DEFAULT_CLUSTER_CONFIG, { now: '2026-01-01T00:00:00Z' }).object;
const mod = (f: (v: VirtualMachineInstance) => void): VMIMod => f;

test('KVM by default, TCG with a TCG model under emulation', () => {
  const kvm = buildDomainSpec(vmi(), ctx);
  assert.equal(kvm.$.type, 'kvm');
  assert.equal(kvm.cpu.$.mode, 'host-model');
  const tcg = buildDomainSpec(vmi(), { ...ctx, emulation: true, tcgCPUModel: 'max' });
  assert.equal(tcg.$.type, 'qemu');
  assert.deepEqual(tcg.cpu.model, { $: { fallback: 'allow' }, _: 'max' });
});

test('name, uuid from firmware.uuid, metadata uid', () => {
  const v = vmi(mod((x) => (x.metadata!.uid = 'uid-1')));
  const d = buildDomainSpec(v, ctx);
  assert.equal(d.name, 'default_vm');
  assert.equal(d.uuid, v.spec.domain.firmware!.uuid);
  assert.equal(d.metadata?.kubevirt.uid, 'uid-1');
});

test('amd64 disks without a bus land on sata (sda); virtio ones on vda', () => {
  const d = buildDomainSpec(vmi(withDisk({ name: 'data', disk: { bus: 'virtio' } }), withVolume({ name: 'data', emptyDisk: { capacity: '1Gi' } })), ctx);
  assert.deepEqual(d.devices.disk.map((x) => [x.alias.$.name, x.target.$.dev, x.target.$.bus]), [['ua-data', 'vda', 'virtio'], ['ua-root', 'sda', 'sata']]);
});

test('a disk without a volume is an error naming the disk', () => {
  const v = vmi();
  v.spec.domain.devices.disks!.push({ name: 'ghost', disk: {} });
  assert.throws(() => convertVMI(v, ctx), /spec\.domain\.devices\.disks\[1\]\.name: volume "ghost" not found/);
});

test('interfaces: absent ones are left out; default tap names by index', () => {
  const v = vmi(withInterface({ name: 'default', masquerade: {} }, { name: 'default', pod: {} }), withInterface({ name: 'gone', bridge: {}, state: 'absent' }, { name: 'gone', multus: { networkName: 'n' } }));
  assert.deepEqual(buildDomainSpec(v, ctx).devices.interface.map((i) => [i.alias.$.name, i.target?.$.dev]), [['ua-default', 'tap0']]);
});

test('virtio transitional, reboot policy Terminate, EFI nvram default path, USB controller for a USB disk', () => {
  const v = vmi(
    mod((x) => {
      x.spec.domain.devices.useVirtioTransitional = true;
      x.spec.domain.rebootPolicy = 'Terminate';
      x.spec.domain.firmware = { ...x.spec.domain.firmware, bootloader: { efi: { secureBoot: false } } };
      x.spec.domain.devices.disks = [{ name: 'root', disk: { bus: 'usb' } }];
    }),
  );
  const d = buildDomainSpec(v, ctx);
  assert.equal(d.on_reboot, 'destroy');
  assert.equal(d.devices.memballoon?.$.model, 'virtio-transitional');
  assert.equal(d.os.nvram?._, '/run/p/default_vm_VARS.fd');
  assert.equal(d.features.smm, undefined);
  assert.deepEqual(d.devices.controller[0], { $: { type: 'usb', index: 0, model: 'qemu-xhci' } });
});

test('secure boot turns SMM on', () => {
  const v = vmi(mod((x) => (x.spec.domain.firmware = { ...x.spec.domain.firmware, bootloader: { efi: {} } })));
  const d = buildDomainSpec(v, ctx);
  assert.deepEqual(d.features.smm, { $: { state: 'on' } });
  assert.equal(d.os.loader?.$?.secure, 'yes');
});

test('the same VMI and context give the same bytes', () => {
  assert.equal(convertVMI(vmi(), ctx).xml, convertVMI(vmi(), ctx).xml);
});
