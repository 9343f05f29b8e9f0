/**
 * Disks, cdroms and LUNs: device and bus, dev names per bus (vda.., sda..), virtio model, driver
 * (format, cache, io, error policy, discard, IO thread, queues), source and backing store,
 * read-only, shareable, serial, block sizes, boot order and the `ua-<name>` alias.
 */
import type { Disk, DiskBus } from '../../api/kubevirt/index.js';
import type { DiskSource } from './context.js';
import { userAlias } from './names.js';
import type { DiskDriver, DiskSpec } from './types.js';

/** The disk's target device: cdrom, lun or disk (the default). */
export const diskDevice = (d: Disk): DiskSpec['$']['device'] => (d.cdrom ? 'cdrom' : d.lun ? 'lun' : 'disk');

/** The disk's bus, falling back to the architecture default defaulting would have set. */
export const diskBus = (d: Disk, fallback: DiskBus): DiskBus => (d.cdrom ?? d.lun ?? d.disk)?.bus ?? fallback;

/** Per-disk facts decided by the caller: its dev name, the virtio model, IO thread and queue count. */
export interface DiskPlacement {
  readonly dev: string;
  readonly bus: DiskBus;
  readonly virtioModel: string;
  readonly iothread?: number;
  readonly queues?: number;
  /** The volume is read-only whatever the disk says (downward metrics, read-only PVC). */
  readonly readOnlyVolume?: boolean;
}

function driverOf(d: Disk, src: DiskSource, p: DiskPlacement): DiskDriver {
  const device = diskDevice(d);
  const cache = d.shareable ? 'none' : (d.cache ?? src.defaultCache);
  return {
    name: 'qemu',
    type: src.format,
    cache,
    io: d.io && d.io !== 'default' ? d.io : undefined,
    error_policy: d.errorPolicy ?? 'stop',
    discard: device === 'cdrom' ? undefined : 'unmap',
    iothread: p.bus === 'virtio' ? p.iothread : undefined,
    queues: p.bus === 'virtio' ? p.queues : undefined,
  };
}

function isReadOnly(d: Disk, p: DiskPlacement): boolean {
  if (p.readOnlyVolume) return true;
  if (d.cdrom) return d.cdrom.readonly !== false;
  return (d.lun ?? d.disk)?.readonly === true;
}

function backingStoreOf(src: DiskSource): Pick<DiskSpec, 'backingStore'> {
  if (!src.backing) return {};
  const type = src.backing.type ?? 'file';
  return {
    backingStore: {
      $: { type },
      format: { $: { type: src.backing.format } },
      source: { $: type === 'block' ? { dev: src.backing.path } : { file: src.backing.path } },
    },
  };
}

/** The `<disk>` of `d` backed by `src`. */
export function convertDisk(d: Disk, src: DiskSource, p: DiskPlacement): DiskSpec {
  const device = diskDevice(d);
  const custom = d.blockSize?.custom;
  return {
    $: { type: src.type, device, model: p.bus === 'virtio' ? p.virtioModel : undefined },
    driver: { $: driverOf(d, src, p) },
    source: {
      $: src.type === 'block' ? { dev: src.path } : { file: src.path },
      ...(d.lun?.reservation ? { reservations: { $: { managed: 'yes' } } } : {}),
    },
    ...backingStoreOf(src),
    target: { $: { dev: p.dev, bus: p.bus, tray: d.cdrom ? (d.cdrom.tray ?? 'closed') : undefined } },
    ...(isReadOnly(d, p) ? { readonly: {} } : {}),
    ...(d.shareable ? { shareable: {} } : {}),
    ...(d.serial ? { serial: d.serial } : {}),
    ...(custom ? { blockio: { $: { logical_block_size: custom.logical, physical_block_size: custom.physical, discard_granularity: custom.discardGranularity } } } : {}),
    ...(d.bootOrder !== undefined && d.bootOrder > 0 ? { boot: { $: { order: d.bootOrder } } } : {}),
    alias: { $: { name: userAlias(d.name) } },
  };
}
