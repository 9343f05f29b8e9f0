/**
 * The slice of core/v1 Pod, PVC and Node that virt-controller writes and reads, with the JSON
 * field names of the Kubernetes API (the controllers speak JSON, not client-node's classes).
 */
import type { KubeObject, ObjectMeta } from '../api/meta/index.js';
import type { Affinity, PodDNSConfig, Toleration, TopologySpreadConstraint } from '../api/kubevirt/index.js';

export type ResourceList = Record<string, string>;

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  volumeMounts?: VolumeMount[];
  securityContext?: Record<string, unknown>;
}

/** A pod volume; only the sources the launcher pod uses are typed. */
export interface PodVolume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  hostPath?: { path: string; type?: string };
  configMap?: { name?: string; optional?: boolean };
  secret?: { secretName?: string; optional?: boolean };
  image?: { reference: string; pullPolicy?: string };
  downwardAPI?: Record<string, unknown>;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: PodVolume[];
  nodeSelector?: Record<string, string>;
  nodeName?: string;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priorityClassName?: string;
  schedulerName?: string;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostname?: string;
  subdomain?: string;
  dnsPolicy?: string;
  dnsConfig?: PodDNSConfig;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  readinessGates?: { conditionType: string }[];
  imagePullSecrets?: { name: string }[];
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string };
  };
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  podIP?: string;
  hostIP?: string;
  reason?: string;
  message?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export interface Pod extends KubeObject {
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: PodStatus;
}

export interface PersistentVolumeClaim extends KubeObject {
  metadata: ObjectMeta;
  spec?: { volumeName?: string; volumeMode?: string; storageClassName?: string };
  status?: { phase?: 'Pending' | 'Bound' | 'Lost' };
}

export interface Node extends KubeObject {
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean };
}

/** The pod condition of `type`, if present. */
export const podCondition = (pod: Pick<Pod, 'status'>, type: string): PodCondition | undefined =>
  pod.status?.conditions?.find((c) => c.type === type);

/** Succeeded or Failed: the pod's containers will not run again. */
export const isPodFinal = (pod: Pick<Pod, 'status'>): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
