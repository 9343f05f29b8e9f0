/** The caches the VMI and VM controllers both read: VMIs, launcher pods, PVCs and (with CDI) DataVolumes. */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import type { KubeObject } from '../api/meta/index.js';
import type { Informer } from '../client/informer.js';
import { PATHS, type InformerFactory } from './common.js';
import type { PersistentVolumeClaim, Pod } from './pod.js';
import type { DataVolumeLike } from './vm/printable-status.js';

export type DataVolume = DataVolumeLike & KubeObject;

export interface VMICaches {
  readonly vmis: Informer<VirtualMachineInstance>;
  readonly pods: Informer<Pod>;
  readonly pvcs: Informer<PersistentVolumeClaim>;
  readonly dvs: Informer<DataVolume> | undefined;
}

/** The shared informers; DataVolumes only when `watchDataVolumes` (CDI's CRDs installed). */
export function vmiCaches(informers: InformerFactory, watchDataVolumes = false): VMICaches {
  return {
    vmis: informers.get<VirtualMachineInstance>(PATHS.vmis),
    pods: informers.get<Pod>(PATHS.pods, 'kubevirt.io=virt-launcher'),
    pvcs: informers.get<PersistentVolumeClaim>(PATHS.pvcs),
    dvs: watchDataVolumes ? informers.get<DataVolume>(PATHS.dataVolumes) : undefined,
  };
}

/** The namespace's objects of a cache by name (undefined when the cache is not watched). */
export function byName<T extends KubeObject>(inf: Informer<T> | undefined, ns: string): ReadonlyMap<string, T> | undefined {
  return inf ? new Map(inf.list().filter((o) => o.metadata?.namespace === ns).map((o) => [o.metadata?.name ?? '', o])) : undefined;
}

/** The launcher pods of a VMI (by the created-by label), a live one first, else the newest. */
export function launcherPodOf(pods: Informer<Pod>, vmi: VirtualMachineInstance): Pod | undefined {
  const ns = vmi.metadata?.namespace;
  const uid = vmi.metadata?.uid;
  let mine: Pod[] | undefined;
  for (const p of pods.values()) {
    if (p.metadata.namespace === ns && p.metadata.labels?.['kubevirt.io/created-by'] === uid) (mine ??= []).push(p);
  }
  if (!mine) return undefined;
  if (mine.length > 1) mine.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  return mine.find((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') ?? mine[0];
}

/** True when a VMI's volumes name a PVC or DataVolume (only then do its decisions read those caches). */
export const usesClaims = (vmi: VirtualMachineInstance): boolean =>
  (vmi.spec.volumes ?? []).some((v) => v.persistentVolumeClaim || v.ephemeral?.persistentVolumeClaim || v.dataVolume);
