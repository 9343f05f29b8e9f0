/**
 * Contracts between the API server's modules. Each module below is built (and unit-tested) on its
 * own; the server core (store, HTTP, watch) wires them together through these shapes only.
 * Change a shape here only together with every implementation of it.
 */
import type { FieldError, KubeObject, LabelSelector, ManagedFieldsEntry } from '../../api/meta/index.js';

// ---------------------------------------------------------------------------------------------
// Resources (builtins/ provides the built-in catalogue; the CRD registry adds entries at run time)

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceInfo {
  readonly group: string; // '' for core
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string; // the resource name in URLs
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  /** Subresources served for this resource, e.g. ['status'], ['status','binding','eviction','log','exec']. */
  readonly subresources: readonly string[];
  /**
   * Fields usable in fieldSelector besides metadata.name / metadata.namespace, for resources the
   * selectors module has no table for (CRDs' selectableFields); built-ins are listed there only.
   */
  readonly fieldSelectors?: readonly string[];
  /** True when spec (everything but metadata and status) changes bump metadata.generation. */
  readonly hasGeneration?: boolean;
  /** For create-only kinds (TokenReview, SubjectAccessReview...): never stored. */
  readonly virtual?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Selectors (selectors/)

export interface LabelMatcher {
  readonly empty: boolean;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  toString(): string;
}
export interface FieldMatcher {
  readonly empty: boolean;
  /** `fields` maps field paths (metadata.name, spec.nodeName, ...) to their string values. */
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** Field paths the selector names, so the caller can reject unsupported ones. */
  readonly fieldNames: readonly string[];
  toString(): string;
}
export interface SelectorsModule {
  /** Parses `?labelSelector=`; throws StatusError 400 with Kubernetes' wording on bad input. */
  parseLabelSelector(s: string): LabelMatcher;
  /** metav1.LabelSelector (as in Deployment/PDB/webhook objectSelector) to a matcher. */
  labelSelectorFromMeta(sel: LabelSelector | undefined): LabelMatcher;
  /**
   * Parses `?fieldSelector=` (=, ==, !=, comma-separated). Throws StatusError 400 on bad input. With
   * `info`, each label must be one the resource supports (400 `field label not supported`), aliases rewritten.
   */
  parseFieldSelector(s: string, info?: ResourceInfo): FieldMatcher;
  /** The selectable fields of an object of the given resource (metadata.name, metadata.namespace, pod spec.nodeName, ...). */
  selectableFields(info: ResourceInfo, obj: KubeObject): Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Patches (patch/)

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ApplyResult {
  readonly object: KubeObject;
  readonly managedFields: ManagedFieldsEntry[];
}
export interface PatchModule {
  /** Content-Type header -> PatchType, or undefined (caller answers 415). */
  patchTypeOf(contentType: string): PatchType | undefined;
  /** JSON patch (RFC 6902), merge patch (RFC 7386) and strategic merge patch for built-in kinds. Throws StatusError. */
  applyPatch(type: Exclude<PatchType, 'apply'>, info: ResourceInfo, live: KubeObject, patch: unknown): KubeObject;
  /** Server-side apply; throws a 409 StatusError listing conflicting fields unless force. `live` undefined = create. */
  serverSideApply(
    info: ResourceInfo,
    live: KubeObject | undefined,
    applied: KubeObject,
    opts: {
      manager: string;
      force: boolean;
      /** Apply through a subresource ('status'): only that part of `applied` is applied and owned. */
      subresource?: string;
    },
  ): ApplyResult;
  /** managedFields after a non-apply write by `manager` (operation Update). */
  updateManagedFields(
    info: ResourceInfo,
    oldObj: KubeObject | undefined,
    newObj: KubeObject,
    manager: string,
    subresource?: string,
  ): ManagedFieldsEntry[];
}

// ---------------------------------------------------------------------------------------------
// CRDs (crd/)

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
  readonly jsonPath: string;
}
export interface CompiledCrdVersion {
  readonly info: ResourceInfo;
  readonly storage: boolean;
  readonly served: boolean;
  readonly printerColumns: readonly PrinterColumn[];
  readonly scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Prunes unknown fields, applies defaults, in place (order as kube-apiserver: prune, default). */
  pruneAndDefault(obj: KubeObject): void;
  /** Structural-schema validation; paths like `spec.replicas`. */
  validate(obj: KubeObject): FieldError[];
  /** The version's schema as OpenAPI v3, for /openapi/v3 and `kubectl explain`. */
  readonly openAPIV3Schema: unknown;
  /** The same for /openapi/v2 (junctors and nullable stripped; metadata refers to #/definitions). */
  readonly openAPIV2Schema?: unknown;
  /**
   * Paths pruning would drop (`spec.foo`, `spec.items[0].bar`), without changing obj: for
   * fieldValidation=Strict (400 `strict decoding error: unknown field "spec.foo"`) and Warn.
   */
  unknownFieldPaths?(obj: KubeObject): string[];
}
export interface CrdModule {
  /** Validates a CustomResourceDefinition object itself (names, versions, structural schema). */
  validateCrd(crd: KubeObject, old?: KubeObject): FieldError[];
  /** Compiles every version of an accepted CRD. */
  compile(crd: KubeObject): CompiledCrdVersion[];
}

// ---------------------------------------------------------------------------------------------
// Tables (as=Table;v=v1;g=meta.k8s.io)

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}
export interface TableRow {
  cells: unknown[];
  object: unknown;
}

// ---------------------------------------------------------------------------------------------
// Authentication and authorisation (authn/, rbac/)

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** authorization.k8s.io attributes of one request. */
export interface RequestAttributes {
  readonly user: UserInfo;
  readonly verb: string; // get list watch create update patch delete deletecollection, or a non-resource verb (get, post, ...)
  readonly isResourceRequest: boolean;
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly path?: string; // non-resource requests
}
export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}
/** What the authoriser reads: RBAC objects as stored. */
export interface RbacSource {
  clusterRoles(): readonly KubeObject[];
  clusterRoleBindings(): readonly KubeObject[];
  roles(namespace: string): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
}
export interface RbacModule {
  authorize(attrs: RequestAttributes, source: RbacSource): Decision;
  /** ClusterRoles with an aggregationRule, with `rules` recomputed from the roles their selectors match. */
  aggregate(clusterRoles: readonly KubeObject[]): KubeObject[];
  /** Bootstrap ClusterRoles and ClusterRoleBindings (cluster-admin, admin, edit, view, system:discovery, ...). */
  bootstrapPolicy(): KubeObject[];
}
