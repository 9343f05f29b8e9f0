/**
 * Per-resource behaviour the generic REST layer calls: validation, defaults, Table printing and
 * OpenAPI schemas. Built-ins (builtins/) and CRDs (crd/) are adapted to this one shape.
 */
import type { FieldError, KubeObject } from '../../../api/meta/index.js';
import type { TableColumnDefinition } from '../contracts.js';

/** Table printer for `kubectl get`: columns (NAME first) and one row of cells per object. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  cells(obj: KubeObject): unknown[];
}

/** Optional hooks; each absent hook means "nothing to do". */
export interface ResourceHooks {
  /** Sets defaults in place (CRDs: prune, then default). Runs before validation on every write. */
  defaults?(obj: KubeObject): void;
  /** Validates a create (old undefined) or an update. Field paths like `spec.replicas`. */
  validate?(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Clears fields a create may not set (e.g. status when a status subresource exists). */
  prepareForCreate?(obj: KubeObject): void;
  /** Adjusts an update given the live object (allocations, type-dependent fields), after defaults; may throw StatusError. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Table output; when absent the default NAME / AGE columns are used. */
  readonly printer?: Printer;
  /** The kind's OpenAPI v3 schema (for /openapi and `kubectl explain`). */
  readonly openAPIV3Schema?: unknown;
}
