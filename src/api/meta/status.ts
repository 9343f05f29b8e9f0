/**
 * StatusError: the one error type that becomes a metav1.Status response. Every layer throws it;
 * the HTTP layer (and the webhook layer) turn it into a response in exactly one place.
 */
import { fieldErrorMessage, toCause, type FieldError } from './field.js';
import type { ListMeta, Status, StatusDetails, StatusReason } from './types.js';

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown; listMeta?: ListMeta },
  ) {
    super(message, options);
    this.name = 'StatusError';
    this.listMeta = options?.listMeta;
  }

  /** The Status's ListMeta (e.g. the fresh continue token of a 410 on an expired continue). */
  readonly listMeta?: ListMeta;

  toStatus(): Status {
    const s: Status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: { ...this.listMeta },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    { name, group: gr.group, kind: gr.resource },
  );
}

/** 422 Invalid with one cause per field error, worded like apimachinery's NewInvalid. */
export function invalidObject(groupKind: { group: string; kind: string }, name: string, errs: readonly FieldError[]): StatusError {
  const gk = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
  const msgs = errs.map(fieldErrorMessage);
  const summary = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${gk} "${name}" is invalid: ${summary}`, {
    name,
    group: groupKind.group,
    kind: groupKind.kind,
    causes: errs.map(toCause),
  });
}

export const badRequest = (msg: string): StatusError => new StatusError(400, 'BadRequest', msg);
export const unauthorized = (msg = 'Unauthorized'): StatusError => new StatusError(401, 'Unauthorized', msg);
export const forbiddenError = (msg: string, details?: StatusDetails): StatusError =>
  new StatusError(403, 'Forbidden', msg, details);
export const methodNotAllowed = (msg: string): StatusError => new StatusError(405, 'MethodNotAllowed', msg);
export const gone = (msg: string): StatusError => new StatusError(410, 'Expired', msg);
export const tooLarge = (msg = 'Request entity too large: limit is 3145728'): StatusError =>
  new StatusError(413, 'RequestEntityTooLarge', msg);
export const unsupportedMediaType = (msg: string): StatusError => new StatusError(415, 'UnsupportedMediaType', msg);
export const internalError = (msg: string, cause?: unknown): StatusError =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] }, { cause });
export const serviceUnavailable = (msg: string): StatusError => new StatusError(503, 'ServiceUnavailable', msg);

/** Normalises anything thrown into a StatusError (unknown errors become 500). */
export function asStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return internalError(msg, err);
}
