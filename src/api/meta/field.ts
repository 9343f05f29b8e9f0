/**
 * Field paths and field errors in the style of k8s.io/apimachinery/pkg/util/validation/field,
 * so every validator (API server, CRD schemas, virt-api webhooks) reports causes the same way.
 */
import type { CauseType, StatusCause } from './types.js';

/** An immutable field path: `spec.domain.devices.disks[1].name`. */
export class FieldPath {
  private constructor(private readonly parts: readonly string[]) {}

  static root(...names: string[]): FieldPath {
    return new FieldPath([]).child(...names);
  }

  child(...names: string[]): FieldPath {
    const parts = [...this.parts];
    for (const n of names) parts.push(parts.length === 0 ? n : `.${n}`);
    return new FieldPath(parts);
  }

  index(i: number): FieldPath {
    return new FieldPath([...this.parts, `[${i}]`]);
  }

  key(k: string): FieldPath {
    return new FieldPath([...this.parts, `[${k}]`]);
  }

  toString(): string {
    return this.parts.join('');
  }
}

export interface FieldError {
  readonly type: CauseType;
  readonly field: string;
  /** The offending value, when one exists (rendered into the message as Kubernetes does). */
  readonly value?: unknown;
  readonly detail: string;
  /**
   * A complete message that replaces the rendered `Type: value: detail` text, for validators
   * (KubeVirt's admitters) whose causes carry their own sentence.
   */
  readonly message?: string;
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return '';
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const typeText: Record<CauseType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
  UnexpectedServerResponse: 'Unexpected server response',
  FieldManagerConflict: 'Conflict',
  ResourceVersionTooLarge: 'Too large resource version',
  DisruptionBudget: 'Disruption budget',
};

/** The text Kubernetes prints for a field error: `spec.x: Invalid value: "v": detail`. */
export function fieldErrorMessage(e: FieldError): string {
  if (e.message !== undefined) return e.message;
  const head = `${e.field}: ${typeText[e.type]}`;
  const withValue =
    e.value !== undefined && e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden'
      ? `${head}: ${render(e.value)}`
      : head;
  return e.detail ? `${withValue}: ${e.detail}` : withValue;
}

export function toCause(e: FieldError): StatusCause {
  if (e.message !== undefined) return { reason: e.type, message: e.message, field: e.field };
  const msg = fieldErrorMessage(e);
  // StatusCause.message omits the field prefix; kubectl prints "field: message".
  const prefix = `${e.field}: `;
  return { reason: e.type, message: msg.startsWith(prefix) ? msg.slice(prefix.length) : msg, field: e.field };
}

export const required = (field: FieldPath | string, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field: String(field),
  detail,
});
export const invalid = (field: FieldPath | string, value: unknown, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field: String(field),
  value,
  detail,
});
export const forbidden = (field: FieldPath | string, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field: String(field),
  detail,
});
export const duplicate = (field: FieldPath | string, value: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field: String(field),
  value,
  detail: '',
});
export const notSupported = (field: FieldPath | string, value: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: String(field),
  value,
  detail: valid.length > 0 ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
});
export const tooLong = (field: FieldPath | string, value: unknown, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: String(field),
  value,
  detail: `must have at most ${max} bytes`,
});
export const typeInvalid = (field: FieldPath | string, value: unknown, detail: string): FieldError => ({
  type: 'FieldValueTypeInvalid',
  field: String(field),
  value,
  detail,
});
