/** The slices of core/v1 Pod, Node and Lease that the node agent reads and writes. */
import type { KubeObject } from '../../api/meta/index.js';

export type ResourceMap = Readonly<Record<string, string | number>>;

export interface KeyRef { readonly name?: string; readonly key: string; readonly optional?: boolean }
export interface EnvVarSource {
  readonly fieldRef?: { readonly fieldPath: string };
  readonly resourceFieldRef?: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number };
  readonly configMapKeyRef?: KeyRef;
  readonly secretKeyRef?: KeyRef;
}
export interface EnvVar { readonly name: string; readonly value?: string; readonly valueFrom?: EnvVarSource }
export interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
}
export interface VolumeMount { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean; readonly subPath?: string }
export interface ProbeHandler {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: { readonly path?: string; readonly port: number | string; readonly host?: string; readonly scheme?: string };
  readonly tcpSocket?: { readonly port: number | string; readonly host?: string };
}
export interface Probe extends ProbeHandler {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}
export interface ContainerPort { readonly name?: string; readonly containerPort: number; readonly protocol?: string }
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly workingDir?: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly ports?: readonly ContainerPort[];
  readonly resources?: { readonly requests?: ResourceMap; readonly limits?: ResourceMap };
  readonly volumeMounts?: readonly VolumeMount[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
}
export interface KeyToPath { readonly key: string; readonly path: string; readonly mode?: number }
export interface DownwardAPIFile { readonly path: string; readonly fieldRef?: { readonly fieldPath: string }; readonly resourceFieldRef?: { readonly containerName?: string; readonly resource: string; readonly divisor?: string | number } }
export interface ProjectionSource {
  readonly configMap?: { readonly name: string; readonly items?: readonly KeyToPath[]; readonly optional?: boolean };
  readonly secret?: { readonly name: string; readonly items?: readonly KeyToPath[]; readonly optional?: boolean };
  readonly downwardAPI?: { readonly items?: readonly DownwardAPIFile[] };
  readonly serviceAccountToken?: { readonly path: string; readonly audience?: string; readonly expirationSeconds?: number };
}
export interface Volume {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly hostPath?: { readonly path: string; readonly type?: string };
  readonly configMap?: { readonly name: string; readonly items?: readonly KeyToPath[]; readonly optional?: boolean };
  readonly secret?: { readonly secretName: string; readonly items?: readonly KeyToPath[]; readonly optional?: boolean };
  readonly downwardAPI?: { readonly items?: readonly DownwardAPIFile[] };
  readonly projected?: { readonly sources?: readonly ProjectionSource[] };
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  /** An OCI image mounted read-only (KEP-4639). */
  readonly image?: { readonly reference?: string; readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never' };
}
export interface PodSpec {
  readonly nodeName?: string;
  readonly hostNetwork?: boolean;
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  readonly terminationGracePeriodSeconds?: number;
  readonly serviceAccountName?: string;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly imagePullSecrets?: readonly { readonly name: string }[];
  /** Whether the namespace's Services become environment variables (default true). */
  readonly enableServiceLinks?: boolean;
}
export interface PodCondition { readonly type: string; readonly status: 'True' | 'False' | 'Unknown'; readonly reason?: string; readonly message?: string; readonly lastTransitionTime?: string; readonly lastProbeTime?: string | null }
export interface ContainerState {
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly running?: { readonly startedAt?: string };
  readonly terminated?: { readonly exitCode: number; readonly signal?: number; readonly reason?: string; readonly message?: string; readonly startedAt?: string; readonly finishedAt?: string; readonly containerID?: string };
}
export interface ContainerStatus {
  readonly name: string;
  readonly state: ContainerState;
  readonly lastState: ContainerState;
  readonly ready: boolean;
  readonly started?: boolean;
  readonly restartCount: number;
  readonly image: string;
  readonly imageID: string;
  readonly containerID?: string;
}
export interface PodStatus {
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly conditions?: readonly PodCondition[];
  readonly hostIP?: string;
  readonly hostIPs?: readonly { readonly ip: string }[];
  readonly podIP?: string;
  readonly podIPs?: readonly { readonly ip: string }[];
  readonly startTime?: string;
  readonly qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
  readonly initContainerStatuses?: readonly ContainerStatus[];
  readonly containerStatuses?: readonly ContainerStatus[];
  readonly reason?: string;
  readonly message?: string;
}
export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}
export interface NodeCondition { readonly type: string; readonly status: 'True' | 'False' | 'Unknown'; readonly reason: string; readonly message: string; readonly lastHeartbeatTime: string; readonly lastTransitionTime: string }
export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: NodeCondition[];
  addresses?: { type: string; address: string }[];
  nodeInfo?: Record<string, string>;
  daemonEndpoints?: { kubeletEndpoint: { Port: number } };
}
export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; podCIDR?: string; podCIDRs?: string[]; taints?: unknown[] };
  status?: NodeStatus;
}
