/** Volume sources of `spec.volumes`: containerDisk, PVC, DataVolume, cloud-init, config maps, secrets and the rest. */
import type { Static } from '@sinclair/typebox';
import { arr, bool, empty, obj, opt, quantity, str, strEnum } from './schema.js';
import { DownwardAPIVolumeFileSchema, LocalObjectReferenceSchema, PersistentVolumeClaimVolumeSourceSchema, PULL_POLICIES } from './core.js';

export const HOST_DISK_TYPES = ['Disk', 'DiskOrCreate'] as const;

const secretRef = (d: string) => obj(d, { name: opt(str('Name of the secret.')) });
const cloudInitFields = (kind: string) => ({
  secretRef: opt(secretRef(`Secret holding ${kind} userdata.`)),
  userDataBase64: opt(str(`${kind} cloud-init userdata as a base64 string.`)),
  userData: opt(str(`${kind} inline cloud-init userdata.`)),
  networkDataSecretRef: opt(secretRef(`Secret holding ${kind} networkdata.`)),
  networkDataBase64: opt(str(`${kind} cloud-init networkdata as a base64 string.`)),
  networkData: opt(str(`${kind} inline cloud-init networkdata.`)),
});

export const CloudInitNoCloudSchema = obj('cloud-init NoCloud data, attached as a disk (needs cloud-init in the guest).', cloudInitFields('NoCloud'));
export type CloudInitNoCloudSource = Static<typeof CloudInitNoCloudSchema>;
export const CloudInitConfigDriveSchema = obj('cloud-init Config Drive data, attached as a disk.', cloudInitFields('config drive'));
export type CloudInitConfigDriveSource = Static<typeof CloudInitConfigDriveSchema>;

export const ContainerDiskSchema = obj('A container image embedding a qcow2 or raw disk.', {
  image: str('Name of the image with the embedded disk.'),
  imagePullSecret: opt(str('Name of the registry secret used to pull the image.')),
  path: opt(str('Path of the disk file inside the image.')),
  imagePullPolicy: opt(strEnum(PULL_POLICIES, 'Always, Never or IfNotPresent; Always for :latest, else IfNotPresent.')),
});
export type ContainerDiskSource = Static<typeof ContainerDiskSchema>;

export const PersistentVolumeClaimSchema = obj('A PersistentVolumeClaim in the same namespace, attached through QEMU.', {
  ...PersistentVolumeClaimVolumeSourceSchema,
  hotpluggable: opt(bool('The volume can be hot(un)plugged.')),
});
export const DataVolumeSourceSchema = obj('A DataVolume (and its PVC) of the same name in the same namespace.', {
  name: str('Name of both the DataVolume and the PVC.'),
  hotpluggable: opt(bool('The volume can be hot(un)plugged.')),
});

const volumeLabel = opt(str('Volume label of the disk in the guest, e.g. "cidata", "config-2" or "OEMDRV".'));

export const VolumeSchema = obj('A named volume of the VMI; exactly one source may be set.', {
  name: str('Volume name; a DNS_LABEL unique within the VMI.'),
  hostDisk: opt(
    obj('A disk image on the node.', {
      path: str('Path of the disk image on the node.'),
      type: strEnum(HOST_DISK_TYPES, "'Disk' (must exist) or 'DiskOrCreate'."),
      capacity: opt(quantity('Capacity of the sparse disk.')),
      shared: opt(bool('Whether the path is shared between nodes.')),
    }),
  ),
  persistentVolumeClaim: opt(PersistentVolumeClaimSchema),
  cloudInitNoCloud: opt(CloudInitNoCloudSchema),
  cloudInitConfigDrive: opt(CloudInitConfigDriveSchema),
  sysprep: opt(
    obj('A Sysprep answer file (autounattend.xml), attached as a cdrom.', {
      secret: opt(LocalObjectReferenceSchema),
      configMap: opt(LocalObjectReferenceSchema),
    }),
  ),
  containerDisk: opt(ContainerDiskSchema),
  ephemeral: opt(
    obj('A copy-on-write layer over a PVC.', {
      persistentVolumeClaim: opt(obj('The backing PVC.', { ...PersistentVolumeClaimVolumeSourceSchema })),
    }),
  ),
  emptyDisk: opt(obj('A temporary disk that lives as long as the VMI.', { capacity: quantity('Capacity of the sparse disk.') })),
  dataVolume: opt(DataVolumeSourceSchema),
  configMap: opt(
    obj('A ConfigMap in the same namespace, as a disk.', {
      name: opt(str('Name of the ConfigMap.')),
      optional: opt(bool('Whether the ConfigMap or its keys must exist.')),
      volumeLabel,
    }),
  ),
  secret: opt(
    obj('A Secret in the same namespace, as a disk.', {
      secretName: opt(str('Name of the secret.')),
      optional: opt(bool('Whether the Secret or its keys must exist.')),
      volumeLabel,
    }),
  ),
  downwardAPI: opt(
    obj('Downward API information about the pod, as a disk.', {
      fields: opt(arr('Downward API volume files.', DownwardAPIVolumeFileSchema)),
      volumeLabel,
    }),
  ),
  serviceAccount: opt(
    obj('The token of a service account, as a disk (at most one per VMI).', {
      serviceAccountName: opt(str('Name of the service account.')),
    }),
  ),
  downwardMetrics: opt(empty('A small disk with host and guest metrics (vhostmd format).')),
  memoryDump: opt(
    obj('A PVC receiving a memory dump of the VMI.', {
      ...PersistentVolumeClaimVolumeSourceSchema,
      hotpluggable: opt(bool('The volume can be hot(un)plugged.')),
    }),
  ),
});
export type Volume = Static<typeof VolumeSchema>;

export { VOLUME_SOURCE_KINDS } from './volume-kinds.js';

export const HotplugVolumeSourceSchema = obj('A volume source that can be hotplugged into a running VMI.', {
  persistentVolumeClaim: opt(PersistentVolumeClaimSchema),
  dataVolume: opt(DataVolumeSourceSchema),
});

export const UtilityVolumeSchema = obj('A PVC mounted into the launcher pod without a disk, for operational workflows.', {
  name: str('Name, unique within the VMI including regular volumes.'),
  ...PersistentVolumeClaimVolumeSourceSchema,
  type: opt(strEnum(['MemoryDump', 'Backup'] as const, 'Kind of utility volume.')),
});
