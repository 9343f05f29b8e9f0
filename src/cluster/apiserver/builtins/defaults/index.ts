/**
 * defaultBuiltin: the create-time defaults of every built-in kind, dispatched by group and kind.
 * Objects are changed in place; kinds without defaults are left untouched.
 */
import type { ResourceInfo } from '../../contracts.js';
import type { KubeObject } from '../../../../api/meta/index.js';
import type { Obj } from '../util.js';
import { defaultPod } from './pod.js';
import { defaultEndpoints, defaultEndpointSlice, defaultNamespace, defaultNode, defaultPV, defaultPVC, defaultSecret, defaultService } from './core.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './workloads.js';
import { defaultAPIService, defaultCRD, defaultIngressClass, defaultPriorityClass, defaultStorageClass, defaultWebhookConfiguration } from './cluster.js';

const defaulters: Record<string, (o: Obj) => void> = {
  '/Pod': defaultPod,
  '/Service': defaultService,
  '/PersistentVolumeClaim': defaultPVC,
  '/PersistentVolume': defaultPV,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Endpoints': defaultEndpoints,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/DaemonSet': defaultDaemonSet,
  'apps/StatefulSet': defaultStatefulSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, true),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => defaultWebhookConfiguration(o, false),
  'storage.k8s.io/StorageClass': defaultStorageClass,
  'scheduling.k8s.io/PriorityClass': defaultPriorityClass,
  'networking.k8s.io/IngressClass': defaultIngressClass,
  'apiregistration.k8s.io/APIService': defaultAPIService,
  'apiextensions.k8s.io/CustomResourceDefinition': defaultCRD,
};

/**
 * Applies kube-apiserver's create-time defaults (SetDefaults_* plus the defaulting admission
 * plugins) to a built-in object, in place. Call it after metadata (name, uid) is filled in.
 */
export function defaultBuiltin(info: Pick<ResourceInfo, 'group' | 'kind'>, obj: KubeObject): void {
  defaulters[`${info.group}/${info.kind}`]?.(obj);
}
