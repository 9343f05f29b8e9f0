import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Disk } from '../../api/kubevirt/index.js';
import type { DiskSource } from './context.js';
import { convertDisk, type DiskPlacement } from './disks.js';

const raw: DiskSource = { type: 'file', path: '/d/disk.img', format: 'raw' };
const virtio: DiskPlacement = { dev: 'vda', bus: 'virtio', virtioModel: 'virtio-non-transitional' };
const sata: DiskPlacement = { dev: 'sda', bus: 'sata', virtioModel: 'virtio-non-transitional' };
const drv = (extra: Record<string, unknown> = {}) => ({ $: { name: 'qemu', type: 'raw', cache: undefined, io: undefined, error_policy: 'stop', discard: 'unmap', iothread: undefined, queues: undefined, ...extra } });

test('a virtio disk: model, driver defaults, target, alias', () => {
  assert.deepEqual(convertDisk({ name: 'root', disk: { bus: 'virtio' } }, raw, virtio), {
    $: { type: 'file', device: 'disk', model: 'virtio-non-transitional' },
    driver: drv(),
    source: { $: { file: '/d/disk.img' } },
    target: { $: { dev: 'vda', bus: 'virtio', tray: undefined } },
    alias: { $: { name: 'ua-root' } },
  });
});

test('driver settings per disk', () => {
  const cases: [Disk, DiskSource, DiskPlacement, Record<string, unknown>][] = [
    [{ name: 'a', cache: 'writeback', io: 'threads', errorPolicy: 'report' }, raw, sata, { cache: 'writeback', io: 'threads', error_policy: 'report' }],
    [{ name: 'a', io: 'default' }, raw, sata, {}],
    [{ name: 'a', shareable: true, cache: 'writeback' }, raw, sata, { cache: 'none' }],
    [{ name: 'a' }, { ...raw, defaultCache: 'none' }, sata, { cache: 'none' }],
    [{ name: 'a', cdrom: { bus: 'sata' } }, raw, sata, { discard: undefined }],
    [{ name: 'a' }, raw, { ...virtio, iothread: 2, queues: 4 }, { iothread: 2, queues: 4 }],
    [{ name: 'a' }, raw, { ...sata, iothread: 2, queues: 4 }, {}],
    [{ name: 'a' }, { ...raw, format: 'qcow2' }, sata, { type: 'qcow2' }],
  ];
  for (const [d, src, p, extra] of cases) assert.deepEqual(convertDisk(d, src, p).driver, drv(extra), JSON.stringify(d));
});

test('cdroms are read-only with a tray; read-only, shareable, serial, blockio and boot order', () => {
  const cd = convertDisk({ name: 'cd', cdrom: { bus: 'sata', tray: 'open' } }, raw, sata);
  assert.equal(cd.$.device, 'cdrom');
  assert.deepEqual(cd.readonly, {});
  assert.equal(cd.target.$.tray, 'open');
  assert.equal(convertDisk({ name: 'cd', cdrom: { readonly: false } }, raw, sata).readonly, undefined);
  const d = convertDisk(
    { name: 'x', disk: { bus: 'sata', readonly: true }, shareable: true, serial: 'SN1', bootOrder: 2, blockSize: { custom: { logical: 512, physical: 4096 } } },
    raw,
    sata,
  );
  assert.equal(d.$.model, undefined);
  assert.deepEqual(d.readonly, {});
  assert.deepEqual(d.shareable, {});
  assert.equal(d.serial, 'SN1');
  assert.deepEqual(d.boot, { $: { order: 2 } });
  assert.deepEqual(d.blockio, { $: { logical_block_size: 512, physical_block_size: 4096, discard_granularity: undefined } });
  assert.deepEqual(convertDisk({ name: 'm' }, raw, { ...sata, readOnlyVolume: true }).readonly, {});
});

test('block devices, LUN reservations and overlays with a backing store', () => {
  const lun = convertDisk({ name: 'l', lun: { bus: 'scsi', reservation: true } }, { type: 'block', path: '/dev/l', format: 'raw' }, { ...sata, bus: 'scsi' });
  assert.deepEqual(lun.$, { type: 'block', device: 'lun', model: undefined });
  assert.deepEqual(lun.source, { $: { dev: '/dev/l' }, reservations: { $: { managed: 'yes' } } });
  const ov = convertDisk({ name: 'c' }, { type: 'file', path: '/o/disk.qcow2', format: 'qcow2', backing: { path: '/img/disk.img', format: 'raw' } }, virtio);
  assert.deepEqual(ov.backingStore, { $: { type: 'file' }, format: { $: { type: 'raw' } }, source: { $: { file: '/img/disk.img' } } });
  assert.deepEqual(Object.keys(ov), ['$', 'driver', 'source', 'backingStore', 'target', 'alias']);
});
