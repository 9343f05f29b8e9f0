/**
 * The Mutating/ValidatingWebhookConfiguration objects that route kubevirt.io admission to virt-api,
 * as upstream's virt-operator generates them (names, paths, operations), with failurePolicy Fail,
 * sideEffects None and AdmissionReview v1. Pure: the embedded cluster and deploy/ both use it.
 */
import { WEBHOOK_PATHS } from './handlers.js';

/** Where the API server reaches virt-api: a Service, or a URL (the embedded cluster's loopback address). */
export type WebhookTarget = { readonly service: { readonly namespace: string; readonly name: string; readonly port?: number } } | { readonly url: string };

type Operation = 'CREATE' | 'UPDATE';
interface Spec {
  readonly name: string;
  readonly path: string;
  readonly resource: string;
  readonly operations: readonly Operation[];
}

const MUTATING: readonly Spec[] = [
  { name: 'virtualmachines-mutator.kubevirt.io', path: WEBHOOK_PATHS.vmMutate, resource: 'virtualmachines', operations: ['CREATE', 'UPDATE'] },
  // Upstream also routes VMI UPDATEs here (its mutator resets status a user changed); virt-api's
  // mutator leaves updates alone (the update validator refuses such changes instead), so a call per
  // status write of virt-controller and virt-handler would change nothing: CREATE only.
  { name: 'virtualmachineinstances-mutator.kubevirt.io', path: WEBHOOK_PATHS.vmiMutate, resource: 'virtualmachineinstances', operations: ['CREATE'] },
  { name: 'migrations-mutator.kubevirt.io', path: WEBHOOK_PATHS.migrationMutate, resource: 'virtualmachineinstancemigrations', operations: ['CREATE'] },
];
const VALIDATING: readonly Spec[] = [
  { name: 'virtualmachineinstances-create-validator.kubevirt.io', path: WEBHOOK_PATHS.vmiCreate, resource: 'virtualmachineinstances', operations: ['CREATE'] },
  { name: 'virtualmachineinstances-update-validator.kubevirt.io', path: WEBHOOK_PATHS.vmiUpdate, resource: 'virtualmachineinstances', operations: ['UPDATE'] },
  { name: 'virtualmachine-validator.kubevirt.io', path: WEBHOOK_PATHS.vm, resource: 'virtualmachines', operations: ['CREATE', 'UPDATE'] },
  { name: 'virtualmachinereplicaset-validator.kubevirt.io', path: WEBHOOK_PATHS.replicaSet, resource: 'virtualmachineinstancereplicasets', operations: ['CREATE', 'UPDATE'] },
  { name: 'virtualmachinepreset-validator.kubevirt.io', path: WEBHOOK_PATHS.preset, resource: 'virtualmachineinstancepresets', operations: ['CREATE', 'UPDATE'] },
  { name: 'migration-create-validator.kubevirt.io', path: WEBHOOK_PATHS.migrationCreate, resource: 'virtualmachineinstancemigrations', operations: ['CREATE'] },
];

function clientConfig(caBundle: string, target: WebhookTarget, path: string): Record<string, unknown> {
  if ('url' in target) return { url: `${target.url.replace(/\/+$/, '')}${path}`, caBundle };
  return { service: { namespace: target.service.namespace, name: target.service.name, path, port: target.service.port ?? 443 }, caBundle };
}

const webhook = (caBundle: string, target: WebhookTarget) => (s: Spec) => ({
  name: s.name,
  admissionReviewVersions: ['v1'],
  clientConfig: clientConfig(caBundle, target, s.path),
  rules: [{ operations: [...s.operations], apiGroups: ['kubevirt.io'], apiVersions: ['v1', 'v1alpha3'], resources: [s.resource], scope: '*' }],
  failurePolicy: 'Fail',
  sideEffects: 'None',
  timeoutSeconds: 10,
  matchPolicy: 'Equivalent',
});

/**
 * virt-api's webhook configurations for a serving CA (`caBundle`: base64 of the PEM) and a target.
 * Returns [MutatingWebhookConfiguration "virt-api-mutator", ValidatingWebhookConfiguration "virt-api-validator"].
 */
export function webhookConfigurations(caBundle: string, target: WebhookTarget): [Record<string, unknown>, Record<string, unknown>] {
  const labels = { 'kubevirt.io': 'virt-api' };
  return [
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'virt-api-mutator', labels }, webhooks: MUTATING.map(webhook(caBundle, target)) },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'virt-api-validator', labels }, webhooks: VALIDATING.map(webhook(caBundle, target)) },
  ];
}
