/**
 * Small TypeBox builders for kubevirt.io types. One definition yields both the TypeScript type
 * (`Static<>`) and the structural OpenAPI schema the CRDs embed (quantities as int-or-string,
 * maps as additionalProperties, free-form objects as preserve-unknown-fields).
 */
import { Type, type Static, type TSchema, type TProperties, type TObject, type TUnsafe, type TArray } from '@sinclair/typebox';
import { QUANTITY_PATTERN, type Quantity } from './quantity-pattern.js';

/** Optional property (omitted from `required`). */
export const opt = <T extends TSchema>(s: T) => Type.Optional(s);

/** A struct with a description; unknown fields are pruned by the API server, as for upstream's CRDs. */
export const obj = <P extends TProperties>(description: string, props: P, extra: Record<string, unknown> = {}): TObject<P> =>
  Type.Object(props, { description, ...extra });

/** An empty marker struct such as `masquerade: {}`. */
export const empty = (description: string): TObject<Record<never, TSchema>> => Type.Object({}, { description });

export const str = (description: string, extra: Record<string, unknown> = {}): TUnsafe<string> =>
  Type.Unsafe<string>({ type: 'string', description, ...extra });
export const bool = (description: string): TUnsafe<boolean> => Type.Unsafe<boolean>({ type: 'boolean', description });
export const int32 = (description: string, extra: Record<string, unknown> = {}): TUnsafe<number> =>
  Type.Unsafe<number>({ type: 'integer', format: 'int32', description, ...extra });
export const int64 = (description: string, extra: Record<string, unknown> = {}): TUnsafe<number> =>
  Type.Unsafe<number>({ type: 'integer', format: 'int64', description, ...extra });
export const num = (description: string): TUnsafe<number> => Type.Unsafe<number>({ type: 'number', description });
/** RFC 3339 timestamp (metav1.Time). */
export const time = (description: string): TUnsafe<string | null> =>
  Type.Unsafe<string | null>({ type: 'string', format: 'date-time', nullable: true, description });
/** metav1.Duration, e.g. "1h0m0s". */
export const duration = (description: string): TUnsafe<string> => Type.Unsafe<string>({ type: 'string', description });

export { QUANTITY_PATTERN, type Quantity } from './quantity-pattern.js';
export const quantity = (description: string): TUnsafe<Quantity> =>
  Type.Unsafe<Quantity>({
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-int-or-string': true,
    description,
  });
/** intstr.IntOrString (ports, percentages). */
export const intOrString = (description: string): TUnsafe<string | number> =>
  Type.Unsafe<string | number>({ anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true, description });

/** corev1.ResourceList: resource name -> quantity. */
export type ResourceList = Record<string, Quantity>;
export const resourceList = (description: string): TUnsafe<ResourceList> =>
  Type.Unsafe<ResourceList>({
    type: 'object',
    additionalProperties: {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: QUANTITY_PATTERN,
      'x-kubernetes-int-or-string': true,
    },
    description,
  });

export const stringMap = (description: string): TUnsafe<Record<string, string>> =>
  Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, description });

/** A map with values of one schema (e.g. `binding: {name: plugin}`). */
export const mapOf = <T extends TSchema>(description: string, value: T): TUnsafe<Record<string, Static<T>>> =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, description });

/** A free-form object kept as is (x-kubernetes-preserve-unknown-fields), typed T for callers. */
export const preserve = <T = Record<string, unknown>>(description: string, extra: Record<string, unknown> = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description, ...extra });

/**
 * A string whose TypeScript type is the literal union of upstream's known values. The schema stays a
 * plain string unless `enforce` is set (upstream enforces only its kubebuilder enums in the CRD; the
 * webhook rejects the rest with its own messages).
 */
export const strEnum = <const V extends readonly string[]>(values: V, description: string, enforce = false): TUnsafe<V[number]> =>
  Type.Unsafe<V[number]>(enforce ? { type: 'string', enum: [...values], description } : { type: 'string', description });

export const arr = <T extends TSchema>(description: string, items: T, extra: Record<string, unknown> = {}): TArray<T> =>
  Type.Array(items, { description, ...extra });
export const strList = (description: string, extra: Record<string, unknown> = {}): TArray<TUnsafe<string>> =>
  Type.Array(Type.Unsafe<string>({ type: 'string' }), { description, ...extra });
