// What the local provisioner creates: the PV object for a claim (pure), and its backing — a
// directory under DATA_DIR/volumes, or for volumeMode Block a sparse file attached to a loop
// device — plus the removal of that backing when a Delete-policy volume is released.
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../network/exec.js';
import { LOCAL_PROVISIONER, type PersistentVolume, type PersistentVolumeClaim, type StorageClass, type VolumeMode } from './types.js';

/** The annotation naming the provisioner that made a PV. */
export const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** Annotation holding a Block volume's backing file, so deletion can find it. */
export const BACKING_FILE_ANNOTATION = 'kubevirt-ts.io/backing-file';
const LOSETUP = '/usr/sbin/losetup';

/** The PV name for a claim, as external provisioners name them. */
export function volumeNameFor(pvc: PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata?.uid ?? ''}`;
}

/** Where a volume's backing lives. */
export interface Backing {
  readonly path: string;
  readonly mode: VolumeMode;
  /** For Block: the sparse file behind the loop device. */
  readonly file?: string;
}

/** The PersistentVolume provisioned for pvc on node: hostPath at the backing, node affinity
 *  to that node, pre-bound to the claim. */
export function provisionedVolume(pvc: PersistentVolumeClaim, sc: StorageClass, node: string, backing: Backing): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(pvc),
      annotations: { [PROVISIONED_BY]: LOCAL_PROVISIONER, ...(backing.file ? { [BACKING_FILE_ANNOTATION]: backing.file } : {}) },
    },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '0' },
      accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
      storageClassName: sc.metadata?.name ?? '',
      volumeMode: backing.mode,
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata?.namespace ?? '', name: pvc.metadata?.name ?? '', uid: pvc.metadata?.uid ?? '' },
      hostPath: { path: backing.path, type: backing.mode === 'Block' ? 'BlockDevice' : 'Directory' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}

/** Creates the backing of a new volume under dataDir/volumes. Block needs losetup and loop
 *  devices; its failure message is meant for the claim's ProvisioningFailed event. */
export async function createBacking(dataDir: string, name: string, mode: VolumeMode, bytes: number): Promise<Backing> {
  const root = join(dataDir, 'volumes');
  await mkdir(root, { recursive: true, mode: 0o711 });
  const path = join(root, name);
  if (mode === 'Filesystem') {
    await mkdir(path, { recursive: true, mode: 0o777 });
    return { path, mode };
  }
  const file = `${path}.img`;
  const fd = await open(file, 'w', 0o600);
  try {
    await fd.truncate(bytes);
  } finally {
    await fd.close();
  }
  try {
    const dev = (await run(LOSETUP, ['--find', '--show', file])).trim();
    return { path: dev, mode, file };
  } catch (e) {
    await rm(file, { force: true });
    throw new Error(`volumeMode Block needs a loop device, and none could be attached: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Removes a provisioned volume's backing: detaches the loop device and its file, or the
 *  directory (only paths under dataDir/volumes are ever removed). */
export async function removeBacking(dataDir: string, pv: PersistentVolume): Promise<void> {
  const root = join(dataDir, 'volumes') + '/';
  const file = pv.metadata?.annotations?.[BACKING_FILE_ANNOTATION];
  const path = pv.spec?.hostPath?.path ?? '';
  if (pv.spec?.volumeMode === 'Block') {
    if (path.startsWith('/dev/loop')) await run(LOSETUP, ['-d', path]).catch(() => undefined);
    if (file?.startsWith(root)) await rm(file, { force: true });
    return;
  }
  if (path.startsWith(root) && !path.slice(root.length).includes('/')) await rm(path, { recursive: true, force: true });
}
