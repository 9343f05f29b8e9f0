/**
 * validateBuiltin: object metadata plus the kind's own rules, dispatched by group and kind.
 * Returns FieldErrors; the server core turns a non-empty list into 422 Invalid.
 */
import type { FieldError, KubeObject } from '../../../../api/meta/index.js';
import type { ResourceInfo } from '../../contracts.js';
import { rec, type Obj } from '../util.js';
import { validateAPIService, validateWebhookConfiguration } from './admission.js';
import { validateConfigMap, validateSecret } from './data.js';
import { validateObjectMeta } from './meta.js';
import {
  validateCoreEvent, validateEndpoints, validateEndpointSlice, validateEventsEvent, validateLease, validateNamespace, validateNode, validatePriorityClass,
} from './misc.js';
import { validateIngress, validateIngressClass } from './networking.js';
import { validatePod } from './pod.js';
import { validateBinding, validateRole } from './rbac.js';
import { validateService } from './service.js';
import { validatePV, validatePVC, validateStorageClass } from './storage.js';
import {
  validateControllerRevision, validateCronJob, validateDaemonSet, validateDeployment, validateJob, validatePDB, validateReplicaSet, validateStatefulSet,
} from './workloads.js';

type KindValidator = (obj: Obj, old?: Obj) => FieldError[];
const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';

const validators: Record<string, KindValidator> = {
  '/Pod': validatePod,
  '/Service': validateService,
  '/ConfigMap': validateConfigMap,
  '/Secret': validateSecret,
  '/PersistentVolumeClaim': validatePVC,
  '/PersistentVolume': (o) => validatePV(o),
  '/Namespace': (o) => validateNamespace(o),
  '/Node': (o) => validateNode(o),
  '/Event': (o) => validateCoreEvent(o),
  '/Endpoints': (o) => validateEndpoints(o),
  'events.k8s.io/Event': (o) => validateEventsEvent(o),
  'discovery.k8s.io/EndpointSlice': (o) => validateEndpointSlice(o),
  'coordination.k8s.io/Lease': (o) => validateLease(o),
  'storage.k8s.io/StorageClass': validateStorageClass,
  'scheduling.k8s.io/PriorityClass': validatePriorityClass,
  [`${RBAC}/Role`]: (o) => validateRole(o, true),
  [`${RBAC}/ClusterRole`]: (o) => validateRole(o, false),
  [`${RBAC}/RoleBinding`]: (o, old) => validateBinding(o, true, old),
  [`${RBAC}/ClusterRoleBinding`]: (o, old) => validateBinding(o, false, old),
  [`${ADMISSION}/MutatingWebhookConfiguration`]: (o) => validateWebhookConfiguration(o, true),
  [`${ADMISSION}/ValidatingWebhookConfiguration`]: (o) => validateWebhookConfiguration(o, false),
  'apiregistration.k8s.io/APIService': (o) => validateAPIService(o),
  'policy/PodDisruptionBudget': (o) => validatePDB(o),
  'apps/ControllerRevision': validateControllerRevision,
  'apps/Deployment': validateDeployment,
  'apps/ReplicaSet': validateReplicaSet,
  'apps/DaemonSet': validateDaemonSet,
  'apps/StatefulSet': validateStatefulSet,
  'batch/Job': validateJob,
  'batch/CronJob': (o) => validateCronJob(o),
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': validateIngressClass,
};

/**
 * All validation kube-apiserver applies to a built-in object on create (old undefined) or update.
 * Virtual kinds (reviews) get no metadata checks. CustomResourceDefinitions get only metadata
 * checks here: their spec is validated by the CRD module.
 */
export function validateBuiltin(info: Pick<ResourceInfo, 'group' | 'kind' | 'namespaced' | 'virtual'>, obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = info.virtual ? [] : validateObjectMeta(info, obj.metadata, old?.metadata);
  errs.push(...validateBuiltinKind(info, obj, old));
  return errs;
}

/** The kind's own rules only (no metadata checks), for a core that validates ObjectMeta itself. */
export function validateBuiltinKind(info: Pick<ResourceInfo, 'group' | 'kind'>, obj: KubeObject, old?: KubeObject): FieldError[] {
  const v = validators[`${info.group}/${info.kind}`];
  return v ? v(obj, old ? (rec(old) ?? {}) : undefined) : [];
}
