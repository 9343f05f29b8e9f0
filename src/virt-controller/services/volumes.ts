/**
 * The launcher pod's volumes and the compute container's mounts, one per VMI volume that needs
 * something from Kubernetes (upstream pkg/virt-controller/services/rendervolumes.go).
 *
 * containerDisk: upstream runs one extra container per disk with the user's image and lets
 * virt-handler reach into its root filesystem. We instead mount the user's image read-only as a
 * Kubernetes `image` volume (KEP-4639) at /var/run/kubevirt/container-disks/<volume>; the disk is
 * the one file under /disk/ of that image. The embedded node agent pulls and mounts it like any
 * other image volume; on a real cluster this needs the ImageVolume feature (Kubernetes >= 1.33).
 * serviceAccount volumes need no pod volume: the pod runs as that service account and its token
 * is mounted at the usual place, which the launcher turns into a disk.
 */
import type { VirtualMachineInstance, Volume } from '../../api/kubevirt/index.js';
import type { PodVolume, VolumeMount } from '../pod.js';

export const PRIVATE_DIR = '/var/run/kubevirt-private';
export const CONTAINER_DISKS_DIR = '/var/run/kubevirt/container-disks';
export const EPHEMERAL_DISKS_DIR = '/var/run/kubevirt-ephemeral-disks';
export const PRIVATE_VOLUME = 'private';
export const EPHEMERAL_VOLUME = 'ephemeral-disks';

interface Rendered {
  readonly volume: PodVolume;
  readonly mount: VolumeMount;
}

/** The pod volume and mount backing one VMI volume, or undefined when the launcher makes it itself. */
export function renderVolume(v: Volume): Rendered | undefined {
  const name = v.name;
  const pvcMount = { name, mountPath: `${PRIVATE_DIR}/vmi-disks/${name}` };
  if (v.persistentVolumeClaim) {
    const ro = v.persistentVolumeClaim.readOnly === true;
    return { volume: { name, persistentVolumeClaim: { claimName: v.persistentVolumeClaim.claimName, ...(ro ? { readOnly: true } : {}) } }, mount: { ...pvcMount, ...(ro ? { readOnly: true } : {}) } };
  }
  if (v.dataVolume) return { volume: { name, persistentVolumeClaim: { claimName: v.dataVolume.name } }, mount: pvcMount };
  if (v.ephemeral?.persistentVolumeClaim) {
    return { volume: { name, persistentVolumeClaim: { claimName: v.ephemeral.persistentVolumeClaim.claimName, readOnly: true } }, mount: { ...pvcMount, readOnly: true } };
  }
  if (v.containerDisk) {
    const pullPolicy = v.containerDisk.imagePullPolicy;
    const volName = `container-disk-${name}`;
    return {
      volume: { name: volName, image: { reference: v.containerDisk.image, ...(pullPolicy ? { pullPolicy } : {}) } },
      mount: { name: volName, mountPath: `${CONTAINER_DISKS_DIR}/${name}`, readOnly: true },
    };
  }
  if (v.hostDisk) {
    const dir = v.hostDisk.path.slice(0, Math.max(v.hostDisk.path.lastIndexOf('/'), 1));
    const type = v.hostDisk.type === 'DiskOrCreate' ? 'DirectoryOrCreate' : 'Directory';
    return { volume: { name, hostPath: { path: dir, type } }, mount: { name, mountPath: dir } };
  }
  if (v.configMap) {
    return { volume: { name, configMap: { name: v.configMap.name, ...opt(v.configMap.optional) } }, mount: { name, mountPath: `${PRIVATE_DIR}/config-map/${name}`, readOnly: true } };
  }
  if (v.secret) {
    return { volume: { name, secret: { secretName: v.secret.secretName, ...opt(v.secret.optional) } }, mount: { name, mountPath: `${PRIVATE_DIR}/secret/${name}`, readOnly: true } };
  }
  if (v.downwardAPI) {
    return { volume: { name, downwardAPI: { items: v.downwardAPI.fields ?? [] } }, mount: { name, mountPath: `${PRIVATE_DIR}/downwardapi/${name}`, readOnly: true } };
  }
  return undefined;
}

const opt = (optional: boolean | undefined) => (optional === undefined ? {} : { optional });

/** All pod volumes and compute mounts: the private dir, the ephemeral-disk dir, then one per VMI volume. */
export function renderVolumes(vmi: VirtualMachineInstance): { volumes: PodVolume[]; mounts: VolumeMount[] } {
  const volumes: PodVolume[] = [
    { name: PRIVATE_VOLUME, emptyDir: {} },
    { name: EPHEMERAL_VOLUME, emptyDir: {} },
  ];
  const mounts: VolumeMount[] = [
    { name: PRIVATE_VOLUME, mountPath: PRIVATE_DIR },
    { name: EPHEMERAL_VOLUME, mountPath: EPHEMERAL_DISKS_DIR },
  ];
  for (const v of vmi.spec.volumes ?? []) {
    const r = renderVolume(v);
    if (!r) continue;
    volumes.push(r.volume);
    mounts.push(r.mount);
  }
  return { volumes, mounts };
}
