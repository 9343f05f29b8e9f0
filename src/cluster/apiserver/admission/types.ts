/**
 * The shapes admission works with: the attributes of one request, and the parts of
 * admissionregistration.k8s.io/v1 webhook configurations the dispatcher reads.
 */
import type { KubeObject, LabelSelector } from '../../../api/meta/index.js';
import type { ResourceInfo, UserInfo } from '../contracts.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** One request as admission sees it (admission.Attributes upstream). */
export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  /** The resource the request addresses (for pods/binding: pods). */
  readonly resource: ResourceInfo;
  /** e.g. 'status', 'binding', 'eviction'; '' or absent for the main resource. */
  readonly subresource?: string;
  /** Kind of `object` when it differs from the resource's (pods/binding: Binding); default resource.kind. */
  readonly kind?: GroupVersionKind;
  /** Namespace of the object; '' or absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name?: string;
  /** The new object (CREATE, UPDATE, CONNECT options); absent for DELETE. */
  readonly object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject?: KubeObject;
  /** CreateOptions/UpdateOptions/DeleteOptions/the CONNECT options object (request.options); default a bare *Options of the operation. */
  readonly options?: KubeObject;
  readonly user: UserInfo;
  readonly dryRun?: boolean;
  /** Receives the warnings webhooks return (the core sends them as `Warning: 299` headers). */
  readonly warn?: (message: string) => void;
}

export interface RuleWithOperations {
  readonly operations?: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly resources?: readonly string[];
  readonly scope?: '*' | 'Cluster' | 'Namespaced';
}

export interface WebhookClientConfig {
  readonly url?: string;
  readonly service?: { readonly namespace: string; readonly name: string; readonly path?: string; readonly port?: number };
  /** base64 of PEM CA certificates. */
  readonly caBundle?: string;
}

/** One entry of `webhooks[]` of a Mutating/ValidatingWebhookConfiguration. */
export interface Webhook {
  readonly name: string;
  readonly clientConfig: WebhookClientConfig;
  readonly rules?: readonly RuleWithOperations[];
  readonly failurePolicy?: 'Fail' | 'Ignore';
  readonly matchPolicy?: 'Exact' | 'Equivalent';
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  readonly sideEffects?: 'None' | 'NoneOnDryRun' | 'Some' | 'Unknown';
  readonly timeoutSeconds?: number;
  readonly admissionReviewVersions?: readonly string[];
  readonly reinvocationPolicy?: 'Never' | 'IfNeeded';
}
