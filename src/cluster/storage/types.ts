// The slices of PersistentVolume, PersistentVolumeClaim and StorageClass the local
// provisioner reads and writes (core/v1 and storage.k8s.io/v1 field names).
import type { KubeObject } from '../../api/meta/index.js';
import type { LabelSelector } from '../../api/kubevirt/core.js';
import type { NodeSelectorTerm } from '../scheduler/types.js';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export type VolumeMode = 'Filesystem' | 'Block';

export interface ObjectReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

export interface PersistentVolume extends KubeObject {
  readonly spec?: {
    readonly capacity?: Readonly<Record<string, string>>;
    readonly accessModes?: readonly AccessMode[];
    readonly storageClassName?: string;
    readonly volumeMode?: VolumeMode;
    readonly persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    readonly claimRef?: ObjectReference;
    readonly hostPath?: { readonly path: string; readonly type?: string };
    readonly local?: { readonly path: string; readonly fsType?: string };
    readonly nodeAffinity?: { readonly required?: { readonly nodeSelectorTerms: readonly NodeSelectorTerm[] } };
  };
  readonly status?: { readonly phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; readonly message?: string; readonly reason?: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  readonly spec?: {
    readonly accessModes?: readonly AccessMode[];
    readonly resources?: { readonly requests?: Readonly<Record<string, string>> };
    readonly storageClassName?: string | null;
    readonly volumeMode?: VolumeMode;
    readonly volumeName?: string;
    readonly selector?: LabelSelector;
  };
  readonly status?: {
    readonly phase?: 'Pending' | 'Bound' | 'Lost';
    readonly capacity?: Readonly<Record<string, string>>;
    readonly accessModes?: readonly AccessMode[];
  };
}

export interface StorageClass extends KubeObject {
  readonly provisioner: string;
  readonly reclaimPolicy?: 'Retain' | 'Delete';
  readonly volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  readonly parameters?: Readonly<Record<string, string>>;
}

/** The provisioner name of the local provisioner. */
export const LOCAL_PROVISIONER = 'kubevirt-ts.io/local';
/** The annotation marking the default StorageClass. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** The annotation the scheduler sets on a WaitForFirstConsumer claim once a pod using it is placed. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
