import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import type { Disk } from '../kubevirt/disks.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[]];
const disk0 = (v: VirtualMachineInstance): Disk => v.spec.domain.devices.disks![0]!;
const addDisk = (d: Disk, withVolume = true) => (v: VirtualMachineInstance) => {
  v.spec.domain.devices.disks!.push(d);
  if (withVolume) v.spec.volumes!.push({ name: d.name, emptyDisk: { capacity: '1Gi' } });
};
const D = 'spec.domain.devices.disks';

const cases: Case[] = [
  ['valid disk', () => {}, []],
  ['cdrom on sata with tray', addDisk({ name: 'cd', cdrom: { bus: 'sata', readonly: true } }), []],
  ['duplicate disk name', (v) => { v.spec.domain.devices.disks!.push({ name: 'rootdisk' }); }, [[`${D}[1].name`, `${D}[1] and ${D}[0] must not have the same Name.`]]],
  ['two target types', (v) => { disk0(v).cdrom = { bus: 'sata' }; }, [[`${D}[0]`, `${D}[0] can only have a single target type defined`]]],
  ['ide bus', (v) => { disk0(v).disk = { bus: 'ide' as never }; }, [[`${D}[0].disk.bus`, 'IDE bus is not supported']]],
  ['unknown bus', (v) => { disk0(v).disk = { bus: 'floppy' as never }; }, [[`${D}[0].disk.bus`, `${D}[0] is set with an unrecognized bus floppy, must be one of: [virtio scsi sata usb]`]]],
  ['virtio cdrom', addDisk({ name: 'cd', cdrom: { bus: 'virtio' } }), [[`${D}[1].cdrom.bus`, 'Bus type virtio is invalid for CD-ROM device']]],
  ['read-only sata disk', (v) => { disk0(v).disk = { bus: 'sata', readonly: true }; }, [[`${D}[0].disk.bus`, 'sata hard-disks do not support read-only.']]],
  ['boot order 0', (v) => { disk0(v).bootOrder = 0; }, [[`${D}[0].bootOrder`, `${D}[0] must have a boot order > 0, if supplied`]]],
  ['duplicate boot order across disk and interface', (v) => { disk0(v).bootOrder = 1; v.spec.domain.devices.interfaces![0]!.bootOrder = 1; }, [['spec.domain.devices.interfaces[0].bootOrder', 'Boot order for spec.domain.devices.interfaces[0].bootOrder already set for a different device.']]],
  ['bad serial characters', (v) => { disk0(v).serial = 'a b'; }, [[`${D}[0].serial`, `${D}[0] must be made up of the following characters [A-Za-z0-9_.+-], if specified`]]],
  ['serial too long', (v) => { disk0(v).serial = 'a'.repeat(257); }, [[`${D}[0].serial`, `${D}[0] must be less than or equal to 256 in length, if specified`]]],
  ['bad cache', (v) => { disk0(v).cache = 'unsafe' as never; }, [[`${D}[0].cache`, `${D}[0].cache has invalid value unsafe`]]],
  ['io default not allowed', (v) => { disk0(v).io = 'default'; }, [[`${D}[0].io`, `Disk IO mode for ${D}[0] is not supported. Supported modes are: native, threads.`]]],
  ['bad error policy', (v) => { disk0(v).errorPolicy = 'explode' as never; }, [[`${D}[0].errorPolicy`, `${D}[0].errorPolicy has invalid value "explode"`]]],
  ['pci address on sata', (v) => { disk0(v).disk = { bus: 'sata', pciAddress: '0000:81:01.1' }; }, [[`${D}[0].disk.pciAddress`, `disk ${D}[0].name - setting a PCI address is only possible with bus type virtio.`]]],
  ['malformed pci address', (v) => { disk0(v).disk = { bus: 'virtio', pciAddress: '81:01.1' }; }, [[`${D}[0].disk.pciAddress`, `disk ${D}[0].name has malformed PCI address (81:01.1).`]]],
  ['dedicated IO thread on sata', (v) => { disk0(v).disk = { bus: 'sata' }; disk0(v).dedicatedIOThread = true; }, [[`${D}[0]`, 'IOThreads are not supported for disks on a sata bus']]],
  ['block size too small', (v) => { disk0(v).blockSize = { custom: { logical: 256, physical: 512 } }; }, [[`${D}[0].blockSize.custom.logical`, 'Provided size of 256 is less than the supported minimum size of 512']]],
  ['block size not a power of 2', (v) => { disk0(v).blockSize = { custom: { logical: 512, physical: 1536 } }; }, [[`${D}[0].blockSize.custom.physical`, 'Provided size of 1536 is not a power of 2']]],
  ['logical above physical', (v) => { disk0(v).blockSize = { custom: { logical: 4096, physical: 512 } }; }, [[`${D}[0].blockSize.custom.logical`, 'Logical size 4096 must be the same or less than the physical size of 512']]],
  ['custom with matchVolume', (v) => { disk0(v).blockSize = { custom: { logical: 512, physical: 512 }, matchVolume: {} }; }, [[`${D}[0].blockSize`, "Block size matching can't be enabled together with a custom value"]]],
  ['disk without volume', addDisk({ name: 'orphan', disk: {} }, false), [[`${D}[1].name`, `${D}[1].Name 'orphan' not found.`]]],
  ['empty cdrom needs gate', addDisk({ name: 'cd', cdrom: { bus: 'sata' } }, false), [[`${D}[1].name`, 'DeclarativeHotplugVolumes feature gate not enabled, cannot define an empty CD-ROM disk']]],
  ['lun on a containerDisk', (v) => { disk0(v).disk = undefined; disk0(v).lun = {}; }, [[`${D}[0].lun`, `${D}[0].lun can only be mapped to a DataVolume or PersistentVolumeClaim volume.`]]],
  ['disk name not a DNS label', (v) => { disk0(v).name = 'Root'; v.spec.volumes![0]!.name = 'Root'; }, [[`${D}[0].name`, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]]],
];

test('disk rules: field path and message of each cause', () => {
  for (const [name, mod, want] of cases) assertCauses(validateVMI(validVMI(mod), configWith()), want, name);
});
