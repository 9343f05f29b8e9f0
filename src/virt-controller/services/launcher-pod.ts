/**
 * VMI -> virt-launcher pod (upstream pkg/virt-controller/services/template.go): a pure function so
 * the whole pod can be table-tested and pinned by golden files. Resources and volumes are rendered
 * by resources.ts and volumes.ts.
 */
import {
  API_VERSION,
  APP_LABEL,
  CREATED_BY_LABEL,
  DEFAULT_CONTAINER_ANNOTATION,
  DEFAULT_GRACE_PERIOD_SECONDS,
  DOMAIN_ANNOTATION,
  NODE_SCHEDULABLE_LABEL,
  VIRTUAL_MACHINE_UNPAUSED_CONDITION,
  VM_NAME_LABEL,
  type VirtualMachineInstance,
} from '../../api/kubevirt/index.js';
import type { Container, Pod } from '../pod.js';
import { computeResources, type ResourceConfig } from './resources.js';
import { PRIVATE_DIR, renderVolumes } from './volumes.js';

/** Name of the launcher container; `kubectl logs` picks it by default. */
export const COMPUTE_CONTAINER = 'compute';
/** The label value marking launcher pods (`kubevirt.io=virt-launcher`). */
export const LAUNCHER_LABEL_VALUE = 'virt-launcher';
/** Extra seconds the pod gets over the launcher, and the launcher over the guest. */
export const POD_GRACE_EXTRA_SECONDS = 30;
export const LAUNCHER_GRACE_EXTRA_SECONDS = 15;

/** What the renderer reads beyond the VMI. */
export interface LauncherPodConfig extends ResourceConfig {
  /** The kubevirt-ts version; the launcher image is `kubevirt-ts/virt-launcher:<version>`. */
  readonly version: string;
  readonly imagePullPolicy?: string;
}

/** The launcher image of a version; the embedded node agent maps it to the local build. */
export const launcherImage = (version: string): string => `kubevirt-ts/virt-launcher:${version}`;

/** The VMI's grace period: its own, else upstream's default of 30 s. */
export const vmiGracePeriodSeconds = (vmi: VirtualMachineInstance): number => vmi.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;

/** Labels of the launcher pod: the VMI's plus the launcher markers. */
export function launcherLabels(vmi: VirtualMachineInstance): Record<string, string> {
  return {
    ...(vmi.metadata?.labels ?? {}),
    [APP_LABEL]: LAUNCHER_LABEL_VALUE,
    [CREATED_BY_LABEL]: vmi.metadata?.uid ?? '',
    [VM_NAME_LABEL]: vmi.metadata?.name ?? '',
  };
}

function computeContainer(vmi: VirtualMachineInstance, config: LauncherPodConfig, mounts: Container['volumeMounts']): Container {
  const meta = vmi.metadata ?? {};
  return {
    name: COMPUTE_CONTAINER,
    image: launcherImage(config.version),
    ...(config.imagePullPolicy ? { imagePullPolicy: config.imagePullPolicy } : {}),
    command: [
      'virt-launcher',
      '--name', meta.name ?? '',
      '--namespace', meta.namespace ?? 'default',
      '--uid', meta.uid ?? '',
      '--private-dir', PRIVATE_DIR,
      '--grace-period', String(vmiGracePeriodSeconds(vmi) + LAUNCHER_GRACE_EXTRA_SECONDS),
    ],
    resources: computeResources(vmi, config),
    ...(mounts && mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
}

/** The launcher pod of `vmi`, ready to POST (generateName: the API server picks the suffix). */
export function renderLauncherPod(vmi: VirtualMachineInstance, config: LauncherPodConfig): Pod {
  const meta = vmi.metadata ?? {};
  const spec = vmi.spec;
  const { volumes, mounts } = renderVolumes(vmi);
  const serviceAccount = spec.volumes?.find((v) => v.serviceAccount)?.serviceAccount;
  const pullSecrets = [...new Set((spec.volumes ?? []).flatMap((v) => (v.containerDisk?.imagePullSecret ? [v.containerDisk.imagePullSecret] : [])))];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `virt-launcher-${meta.name ?? ''}-`,
      namespace: meta.namespace ?? 'default',
      labels: launcherLabels(vmi),
      annotations: { [DOMAIN_ANNOTATION]: meta.name ?? '', [DEFAULT_CONTAINER_ANNOTATION]: COMPUTE_CONTAINER },
      ownerReferences: [
        { apiVersion: API_VERSION, kind: 'VirtualMachineInstance', name: meta.name ?? '', uid: meta.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      ...(spec.hostname !== undefined ? { hostname: spec.hostname } : { hostname: meta.name ?? '' }),
      ...(spec.subdomain !== undefined ? { subdomain: spec.subdomain } : {}),
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: vmiGracePeriodSeconds(vmi) + POD_GRACE_EXTRA_SECONDS,
      readinessGates: [{ conditionType: VIRTUAL_MACHINE_UNPAUSED_CONDITION }],
      nodeSelector: { ...(spec.nodeSelector ?? {}), [NODE_SCHEDULABLE_LABEL]: 'true' },
      ...(spec.affinity ? { affinity: structuredClone(spec.affinity) } : {}),
      ...(spec.tolerations ? { tolerations: structuredClone(spec.tolerations) } : {}),
      ...(spec.topologySpreadConstraints ? { topologySpreadConstraints: structuredClone(spec.topologySpreadConstraints) } : {}),
      ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
      ...(spec.schedulerName ? { schedulerName: spec.schedulerName } : {}),
      ...(spec.dnsPolicy ? { dnsPolicy: spec.dnsPolicy } : {}),
      ...(spec.dnsConfig ? { dnsConfig: structuredClone(spec.dnsConfig) } : {}),
      ...(serviceAccount
        ? { serviceAccountName: serviceAccount.serviceAccountName ?? 'default', automountServiceAccountToken: true }
        : { automountServiceAccountToken: false }),
      ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
      containers: [computeContainer(vmi, config, mounts)],
      volumes,
    },
  };
}
