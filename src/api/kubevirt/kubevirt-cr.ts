/** KubeVirt: the custom resource that installs KubeVirt and holds its cluster-wide configuration. */
import type { Static } from '@sinclair/typebox';
import { arr, duration, int32, int64, obj, opt, str, strEnum, stringMap, strList } from './schema.js';
import { AffinitySchema, conditionSchema, LocalObjectReferenceSchema, PULL_POLICIES, TolerationSchema } from './core.js';
import { kindSchema } from './kinds-common.js';
import { KubeVirtConfigurationSchema } from './kubevirt-config.js';

export const KUBEVIRT_PHASES = ['Deploying', 'Deployed', 'Deleting', 'Deleted'] as const;
export type KubeVirtPhase = (typeof KUBEVIRT_PHASES)[number];
export const KUBEVIRT_CONDITION_TYPES = ['Synchronized', 'Created', 'Available', 'Progressing', 'Degraded'] as const;

const certConfig = obj('TLS certificate lifetimes.', {
  duration: opt(duration('Requested lifetime of the certificate.')),
  renewBefore: opt(duration('How long before expiry to renew.')),
});

const componentConfig = obj('Placement of a set of KubeVirt pods.', {
  nodePlacement: opt(
    obj('Node scheduling of the pods.', {
      nodeSelector: opt(stringMap('Node selector of the pods.')),
      affinity: opt(AffinitySchema),
      tolerations: opt(arr('Extra tolerations of the pods.', TolerationSchema)),
    }),
  ),
  replicas: opt(int32('Replicas of each infrastructure component. Defaults to 2.', { minimum: 0, maximum: 255 })),
});

export const KubeVirtSpecSchema = obj('How KubeVirt is installed and configured.', {
  imageTag: opt(str('Tag of the component images.')),
  imageRegistry: opt(str('Registry of the component images.')),
  imagePullPolicy: opt(strEnum(PULL_POLICIES, 'Pull policy of infrastructure images.')),
  imagePullSecrets: opt(arr('Pull secrets of infrastructure images.', LocalObjectReferenceSchema, { 'x-kubernetes-list-type': 'atomic' })),
  monitorNamespace: opt(str('Namespace of Prometheus.')),
  serviceMonitorNamespace: opt(str('Namespace of the service monitor.')),
  monitorAccount: opt(str('Prometheus service account.')),
  workloadUpdateStrategy: opt(
    obj('How workloads are updated after a KubeVirt update.', {
      workloadUpdateMethods: opt(strList('LiveMigrate and/or Evict; empty means none.', { 'x-kubernetes-list-type': 'atomic' })),
      batchEvictionSize: opt(int32('VMIs evicted per batch. Defaults to 10.')),
      batchEvictionInterval: opt(duration('Interval between batches. Defaults to 1 minute.')),
    }),
  ),
  uninstallStrategy: opt(strEnum(['RemoveWorkloads', 'BlockUninstallIfWorkloadsExist'] as const, 'Whether KubeVirt may be removed while workloads exist.')),
  certificateRotateStrategy: opt(
    obj('Certificate rotation.', {
      selfSigned: opt(
        obj('Self-signed certificate settings.', {
          caRotateInterval: opt(duration('Deprecated: use ca.duration.')),
          certRotateInterval: opt(duration('Deprecated: use server.duration.')),
          caOverlapInterval: opt(duration('Deprecated: use ca.renewBefore.')),
          ca: opt(certConfig),
          server: opt(certConfig),
        }),
      ),
    }),
  ),
  productVersion: opt(str('app.kubernetes.io/version label of components.')),
  productName: opt(str('app.kubernetes.io/part-of label of components.')),
  productComponent: opt(str('app.kubernetes.io/component label of components.')),
  synchronizationPort: opt(str('Port for VMI status synchronisation traffic. Default is 9185.')),
  configuration: opt(KubeVirtConfigurationSchema),
  infra: opt(componentConfig),
  workloads: opt(componentConfig),
  synchronizationPlacement: opt(componentConfig),
  customizeComponents: opt(
    obj('Patches and flags applied to component resources.', {
      patches: opt(
        arr(
          'Patches to resources.',
          obj('A patch.', {
            resourceName: str('Name of the resource.', { minLength: 1 }),
            resourceType: str('Type of the resource.', { minLength: 1 }),
            patch: str('The patch.'),
            type: strEnum(['json', 'merge', 'strategic'] as const, 'Patch type.'),
          }),
          { 'x-kubernetes-list-type': 'atomic' },
        ),
      ),
      flags: opt(
        obj('Flags replacing component command lines.', {
          api: opt(stringMap('virt-api flags.')),
          controller: opt(stringMap('virt-controller flags.')),
          handler: opt(stringMap('virt-handler flags.')),
        }),
      ),
    }),
  ),
});
export type KubeVirtSpec = Static<typeof KubeVirtSpecSchema>;

export const KubeVirtStatusSchema = obj('State of the KubeVirt deployment.', {
  phase: opt(strEnum(KUBEVIRT_PHASES, 'Deploying, Deployed, Deleting or Deleted.')),
  conditions: opt(arr('Conditions of the deployment.', conditionSchema('A condition of the deployment.', KUBEVIRT_CONDITION_TYPES))),
  operatorVersion: opt(str('Operator version.')),
  targetKubeVirtRegistry: opt(str('Target registry.')),
  targetKubeVirtVersion: opt(str('Target version.')),
  targetDeploymentConfig: opt(str('Target deployment config.')),
  targetDeploymentID: opt(str('Target deployment id.')),
  observedKubeVirtRegistry: opt(str('Observed registry.')),
  observedKubeVirtVersion: opt(str('Observed version.')),
  observedDeploymentConfig: opt(str('Observed deployment config.')),
  observedDeploymentID: opt(str('Observed deployment id.')),
  outdatedVirtualMachineInstanceWorkloads: opt(int32('VMIs running outdated launchers.')),
  observedGeneration: opt(int64('Generation observed.')),
  defaultArchitecture: opt(str('Default architecture of the cluster.')),
  generations: opt(
    arr(
      'Generations of managed resources.',
      obj('Generation of one resource.', {
        group: str('Group.'),
        resource: str('Resource.'),
        namespace: opt(str('Namespace.')),
        name: str('Name.'),
        lastGeneration: int64('Last generation.'),
        hash: opt(str('Content hash.')),
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  synchronizationAddresses: opt(strList('Synchronization controller addresses.', { 'x-kubernetes-list-type': 'atomic' })),
});

export const KubeVirtSchema = kindSchema('Installs KubeVirt and holds its cluster-wide configuration.', {
  spec: KubeVirtSpecSchema,
  status: opt(KubeVirtStatusSchema),
});
export type KubeVirt = Static<typeof KubeVirtSchema>;

