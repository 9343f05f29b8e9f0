import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance, Volume } from '../../api/kubevirt/index.js';
import { defaultDiskSource, diskSourceFor, volumeKind } from './volumes.js';

const vmi: VirtualMachineInstance = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1', namespace: 'ns1' }, spec: { domain: { devices: {} } } };

test('default disk sources follow upstream paths per volume kind', () => {
  const P = '/var/run/kubevirt-private';
  const cases: [Volume, unknown][] = [
    [{ name: 'p', persistentVolumeClaim: { claimName: 'c' } }, { type: 'file', path: `${P}/vmi-disks/p/disk.img`, format: 'raw' }],
    [{ name: 'd', dataVolume: { name: 'dv' } }, { type: 'file', path: `${P}/vmi-disks/d/disk.img`, format: 'raw' }],
    [
      { name: 'c', containerDisk: { image: 'i' } },
      { type: 'file', path: '/var/run/kubevirt-ephemeral-disks/disk-data/c/disk.qcow2', format: 'qcow2', backing: { type: 'file', path: '/var/run/kubevirt/container-disks/disk_2.img', format: 'raw' } },
    ],
    [
      { name: 'e', ephemeral: { persistentVolumeClaim: { claimName: 'c' } } },
      { type: 'file', path: '/var/run/kubevirt-ephemeral-disks/disk-data/e/disk.qcow2', format: 'qcow2', backing: { type: 'file', path: `${P}/vmi-disks/e/disk.img`, format: 'raw' } },
    ],
    [{ name: 'x', emptyDisk: { capacity: '1Gi' } }, { type: 'file', path: '/var/run/libvirt/empty-disks/x.qcow2', format: 'qcow2' }],
    [{ name: 'h', hostDisk: { path: '/data/h.img', type: 'DiskOrCreate' } }, { type: 'file', path: '/data/h.img', format: 'raw' }],
    [{ name: 'ci', cloudInitNoCloud: { userData: 'x' } }, { type: 'file', path: '/var/run/libvirt/cloud-init-dir/ns1/vm1/noCloud.iso', format: 'raw' }],
    [{ name: 'cd', cloudInitConfigDrive: { userData: 'x' } }, { type: 'file', path: '/var/run/libvirt/cloud-init-dir/ns1/vm1/configdrive.iso', format: 'raw' }],
    [{ name: 'cm', configMap: { name: 'm' } }, { type: 'file', path: `${P}/config-map-disks/cm.iso`, format: 'raw' }],
    [{ name: 's', secret: { secretName: 's' } }, { type: 'file', path: `${P}/secret-disks/s.iso`, format: 'raw' }],
    [{ name: 'sa', serviceAccount: { serviceAccountName: 'default' } }, { type: 'file', path: `${P}/service-account-disk/service-account.iso`, format: 'raw' }],
    [{ name: 'da', downwardAPI: {} }, { type: 'file', path: `${P}/downwardapi-disks/da.iso`, format: 'raw' }],
    [{ name: 'sp', sysprep: { configMap: { name: 'x' } } }, { type: 'file', path: `${P}/sysprep-disks/sp.iso`, format: 'raw' }],
    [{ name: 'dm', downwardMetrics: {} }, { type: 'file', path: `${P}/downwardmetrics-disk/vhostmd0`, format: 'raw' }],
  ];
  for (const [v, want] of cases) assert.deepEqual(defaultDiskSource(vmi, v, 2), want, volumeKind(v));
});

test('a resolved source wins; a memory dump volume cannot back a disk', () => {
  const block = { type: 'block', path: '/dev/pvc', format: 'raw' } as const;
  assert.deepEqual(diskSourceFor(vmi, { name: 'p', persistentVolumeClaim: { claimName: 'c' } }, 0, { p: block }), block);
  assert.throws(() => defaultDiskSource(vmi, { name: 'm', memoryDump: { claimName: 'c' } }, 3), /spec\.volumes\[3\]: volume "m" of kind memoryDump cannot back a disk/);
});
