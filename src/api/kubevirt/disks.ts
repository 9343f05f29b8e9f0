/** Disks of `spec.domain.devices.disks`: disk, lun and cdrom targets, buses, cache and IO modes. */
import type { Static } from '@sinclair/typebox';
import { bool, int64, obj, opt, str, strEnum } from './schema.js';
import { FeatureStateSchema } from './domain.js';

export const DISK_BUSES = ['virtio', 'sata', 'scsi', 'usb'] as const;
export type DiskBus = (typeof DISK_BUSES)[number];
export const CACHE_MODES = ['none', 'writethrough', 'writeback', 'directsync'] as const;
export type DriverCache = (typeof CACHE_MODES)[number];
export const IO_MODES = ['native', 'threads', 'default'] as const;
export type DriverIO = (typeof IO_MODES)[number];
export const DISK_ERROR_POLICIES = ['stop', 'ignore', 'report', 'enospace'] as const;
export type DiskErrorPolicy = (typeof DISK_ERROR_POLICIES)[number];
export const TRAY_STATES = ['open', 'closed'] as const;

const busField = (values: string) => opt(strEnum(DISK_BUSES, `Bus of the emulated device; supported values: ${values}.`));

export const DiskTargetSchema = obj('Attach the volume as a disk.', {
  bus: busField('virtio, sata, scsi, usb'),
  readonly: opt(bool('Read-only. Defaults to false.')),
  pciAddress: opt(str('Guest PCI address of the disk, e.g. 0000:81:01.10.')),
});
export const LunTargetSchema = obj('Attach the volume as a LUN.', {
  bus: busField('virtio, sata, scsi'),
  readonly: opt(bool('Read-only. Defaults to false.')),
  reservation: opt(bool('Support SCSI persistent reservation.')),
});
export const CDRomTargetSchema = obj('Attach the volume as a cdrom.', {
  bus: busField('virtio, sata, scsi'),
  readonly: opt(bool('Read-only. Defaults to true.')),
  tray: opt(strEnum(TRAY_STATES, 'Whether the tray is open or closed. Defaults to closed.')),
});

export const BlockSizeSchema = obj('Block sizes presented to the guest; only one member may be set.', {
  custom: opt(
    obj('Explicit logical and physical block sizes.', {
      logical: int64('Logical block size.', { minimum: 0 }),
      physical: int64('Physical block size.', { minimum: 0 }),
      discardGranularity: opt(int64('Discard granularity.', { minimum: 0 })),
    }),
  ),
  matchVolume: opt(FeatureStateSchema),
});

export const DiskSchema = obj('A disk, cdrom or LUN attached to the VMI.', {
  name: str('Device name; must match a volume name.'),
  disk: opt(DiskTargetSchema),
  lun: opt(LunTargetSchema),
  cdrom: opt(CDRomTargetSchema),
  bootOrder: opt(int64('Boot order (> 0, unique over disks and interfaces); lower first.', { minimum: 0 })),
  serial: opt(str('Serial number of the disk.')),
  dedicatedIOThread: opt(bool('Give this disk its own IO thread (implies useIOThreads). Defaults to false.')),
  cache: opt(strEnum(CACHE_MODES, 'Host cache mode: none, writethrough or writeback. Defaults to none when O_DIRECT works, else writethrough.')),
  io: opt(strEnum(IO_MODES, 'QEMU IO mode: native, default or threads.')),
  tag: opt(str('Tag exposed to the guest with the disk address through config drive metadata.')),
  blockSize: opt(BlockSizeSchema),
  shareable: opt(bool('Make the disk shareable between VMs.')),
  errorPolicy: opt(strEnum(DISK_ERROR_POLICIES, 'What to do on a disk error: stop (default), ignore, report or enospace.')),
  changedBlockTracking: opt(bool('Enable changed block tracking. Defaults to false.')),
});
export type Disk = Static<typeof DiskSchema>;
