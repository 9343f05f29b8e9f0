/**
 * Representative VMIs for the golden files (test fixture, not used at run time): each is run
 * through defaultVMI and convertVMI with the launcher context given here.
 */
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { newVMI, withContainerDisk, withDisk, withInterface, withMemory, withVolume, type VMIMod } from '../../api/kubevirt/defaults/testing.js';
import type { ConverterContext } from './context.js';

export interface GoldenCase {
  readonly name: string;
  readonly vmi: VirtualMachineInstance;
  readonly ctx: ConverterContext;
}

const PRIVATE = '/var/run/kubevirt-private/0f785d7e';
const base: ConverterContext = { privateDir: PRIVATE, uid: '6c1b9d1e-6a43-4c9a-9d3e-1f2a3b4c5d6e' };
const image = 'registry:5000/kubevirt-ts/test-guest:v1';
const containerDiskSource = { type: 'file', path: '/var/run/kubevirt-ephemeral-disks/disk-data/rootdisk/disk.qcow2', format: 'qcow2', backing: { path: '/var/run/kubevirt/container-disks/disk_0.img', format: 'qcow2' } } as const;
const spec = (f: (v: VirtualMachineInstance) => void): VMIMod => f;
const cloudInit = '#cloud-config\nhostname: guest\n';

const minimal = newVMI('minimal', withMemory('64Mi'), withContainerDisk('rootdisk', image));

const pvcCloudInit = newVMI(
  'pvc-cloudinit',
  withMemory('256Mi'),
  withDisk({ name: 'root', disk: { bus: 'virtio' }, bootOrder: 1 }),
  withVolume({ name: 'root', persistentVolumeClaim: { claimName: 'fedora' } }),
  withDisk({ name: 'cloudinit', disk: { bus: 'virtio' } }),
  withVolume({ name: 'cloudinit', cloudInitNoCloud: { userData: cloudInit } }),
  spec((v) => {
    v.spec.domain.devices.rng = {};
    v.spec.domain.cpu = { cores: 2 };
  }),
);

const configDrive = newVMI(
  'configdrive',
  withMemory('128Mi'),
  withDisk({ name: 'rootdisk', disk: { bus: 'virtio' } }),
  withContainerDisk('rootdisk', image),
  withDisk({ name: 'config', cdrom: { bus: 'sata' } }),
  withVolume({ name: 'config', cloudInitConfigDrive: { userData: cloudInit } }),
);

const multiNIC = newVMI(
  'multi-nic',
  withMemory('128Mi'),
  withContainerDisk('rootdisk', image),
  withInterface({ name: 'default', masquerade: {}, ports: [{ port: 80 }] }, { name: 'default', pod: {} }),
  withInterface({ name: 'blue', bridge: {}, macAddress: 'DE-AD-00-00-BE-EF', model: 'e1000' }, { name: 'blue', multus: { networkName: 'blue-net' } }),
  withInterface({ name: 'pxe', bridge: {}, bootOrder: 1 }, { name: 'pxe', multus: { networkName: 'pxe-net' } }),
);

const bridgePod = newVMI(
  'bridge-pod',
  withMemory('128Mi'),
  withContainerDisk('rootdisk', image),
  withInterface({ name: 'default', bridge: {} }, { name: 'default', pod: {} }),
);

const configVolumes = newVMI(
  'config-volumes',
  withMemory('128Mi'),
  withContainerDisk('rootdisk', image),
  withDisk({ name: 'app', disk: { bus: 'virtio' } }),
  withVolume({ name: 'app', configMap: { name: 'app-config', volumeLabel: 'APPCFG' } }),
  withDisk({ name: 'creds', disk: { bus: 'virtio' } }),
  withVolume({ name: 'creds', secret: { secretName: 'creds' } }),
  withDisk({ name: 'sa', disk: { bus: 'virtio' } }),
  withVolume({ name: 'sa', serviceAccount: { serviceAccountName: 'default' } }),
  withDisk({ name: 'podinfo', cdrom: { bus: 'scsi' } }),
  withVolume({ name: 'podinfo', downwardAPI: { fields: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }),
);
const configIso = (name: string) => ({ type: 'file', path: `${PRIVATE}/config-disks/${name}.iso`, format: 'raw' }) as const;

const efiSecureBoot = newVMI(
  'efi-secureboot',
  withMemory('256Mi'),
  withContainerDisk('rootdisk', image),
  spec((v) => {
    v.spec.domain.firmware = { bootloader: { efi: { secureBoot: true } }, serial: 'sn-efi-0001' };
    v.spec.domain.features = { smm: { enabled: true } };
  }),
);

const kernelBoot = newVMI(
  'kernel-boot',
  withMemory('64Mi'),
  spec((v) => {
    v.spec.domain.firmware = {
      kernelBoot: { kernelArgs: 'console=ttyS0 quiet', container: { image: 'registry:5000/kubevirt-ts/test-kernel:v1', kernelPath: '/boot/vmlinuz', initrdPath: '/boot/initrd.img' } },
    };
    v.spec.domain.devices.autoattachGraphicsDevice = false;
  }),
);

const allBuses = newVMI(
  'all-buses',
  withMemory('512Mi'),
  spec((v) => {
    const d = v.spec.domain;
    d.cpu = { sockets: 1, cores: 2, threads: 1 };
    d.ioThreadsPolicy = 'shared';
    d.devices.blockMultiQueue = true;
    d.devices.inputs = [{ name: 'tablet', type: 'tablet', bus: 'virtio' }];
    d.devices.watchdog = { name: 'wd', i6300esb: { action: 'poweroff' } };
    d.devices.disks = [
      { name: 'virtio', disk: { bus: 'virtio' }, dedicatedIOThread: true, cache: 'none', io: 'native', bootOrder: 1 },
      { name: 'sata', disk: { bus: 'sata' }, serial: 'SATA-0001', errorPolicy: 'report' },
      { name: 'scsi', disk: { bus: 'scsi' }, blockSize: { custom: { logical: 512, physical: 4096 } } },
      { name: 'usb', disk: { bus: 'usb' } },
      { name: 'lun', lun: { bus: 'scsi', reservation: true } },
      { name: 'cdrom', cdrom: { bus: 'sata', tray: 'open' } },
      { name: 'shared', disk: { bus: 'virtio' }, shareable: true },
      { name: 'ro', disk: { bus: 'virtio', readonly: true } },
      { name: 'hostdisk' },
      { name: 'ephemeral' },
      { name: 'configmap' },
      { name: 'secret' },
      { name: 'serviceaccount' },
      { name: 'downwardapi', cdrom: {} },
    ];
    v.spec.volumes = [
      { name: 'virtio', dataVolume: { name: 'dv-root' } },
      { name: 'sata', persistentVolumeClaim: { claimName: 'pvc-sata' } },
      { name: 'scsi', emptyDisk: { capacity: '1Gi' } },
      { name: 'usb', persistentVolumeClaim: { claimName: 'pvc-usb' } },
      { name: 'lun', persistentVolumeClaim: { claimName: 'pvc-block' } },
      { name: 'cdrom', containerDisk: { image: 'registry:5000/iso:v1' } },
      { name: 'shared', persistentVolumeClaim: { claimName: 'pvc-shared' } },
      { name: 'ro', persistentVolumeClaim: { claimName: 'pvc-ro' } },
      { name: 'hostdisk', hostDisk: { path: '/var/lib/vm-disks/h.img', type: 'DiskOrCreate', capacity: '1Gi' } },
      { name: 'ephemeral', ephemeral: { persistentVolumeClaim: { claimName: 'pvc-base' } } },
      { name: 'configmap', configMap: { name: 'app-config' } },
      { name: 'secret', secret: { secretName: 'app-secret' } },
      { name: 'serviceaccount', serviceAccount: { serviceAccountName: 'default' } },
      { name: 'downwardapi', downwardAPI: { fields: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    ];
  }),
);

const allBusesCtx: ConverterContext = {
  ...base,
  disks: {
    virtio: { type: 'block', path: '/dev/virtio', format: 'raw' },
    lun: { type: 'block', path: '/dev/lun', format: 'raw' },
    sata: { type: 'file', path: '/var/run/kubevirt-private/vmi-disks/sata/disk.img', format: 'qcow2', defaultCache: 'none' },
    cdrom: { type: 'file', path: '/var/run/kubevirt/container-disks/disk_0.img', format: 'raw' },
  },
};

/** The golden VMIs and their launcher contexts. */
export const GOLDEN_CASES: readonly GoldenCase[] = [
  { name: 'minimal-containerdisk', vmi: minimal, ctx: { ...base, disks: { rootdisk: containerDiskSource } } },
  { name: 'pvc-cloudinit-nocloud', vmi: pvcCloudInit, ctx: base },
  { name: 'configdrive', vmi: configDrive, ctx: { ...base, disks: { rootdisk: containerDiskSource } } },
  {
    name: 'multiple-nics',
    vmi: multiNIC,
    ctx: { ...base, interfaces: { default: { type: 'tap', tapDevice: 'tap0', mtu: 1500 }, blue: { type: 'tap', tapDevice: 'tap1' }, pxe: { type: 'tap', tapDevice: 'tap2', mac: '02:00:00:aa:bb:cc' } } },
  },
  { name: 'bridge-pod-network', vmi: bridgePod, ctx: { ...base, disks: { rootdisk: containerDiskSource }, interfaces: { default: { type: 'tap', tapDevice: 'tap0', mac: '0a:58:0a:f4:00:05', mtu: 1450 } } } },
  {
    name: 'config-volumes',
    vmi: configVolumes,
    ctx: { ...base, disks: { rootdisk: containerDiskSource, app: configIso('app'), creds: configIso('creds'), sa: configIso('sa'), podinfo: configIso('podinfo') } },
  },
  { name: 'efi-secureboot', vmi: efiSecureBoot, ctx: base },
  { name: 'kernel-boot', vmi: kernelBoot, ctx: { ...base, kernelBoot: { kernel: `${PRIVATE}/kernel-boot/vmlinuz`, initrd: `${PRIVATE}/kernel-boot/initrd.img` } } },
  { name: 'all-buses', vmi: allBuses, ctx: allBusesCtx },
  { name: 'emulation-tcg', vmi: minimal, ctx: { ...base, emulation: true, logSerialConsole: false, disks: { rootdisk: containerDiskSource } } },
];
