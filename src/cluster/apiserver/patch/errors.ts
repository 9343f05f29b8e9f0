/**
 * The StatusErrors kube-apiserver's patch handler returns, in one place: 422 "generic server
 * responses" for patch application failures, 400 for undecodable patches, 415 for patch types
 * a resource does not accept, 500 for strategic-merge failures upstream does not classify.
 */
import { StatusError, badRequest, unsupportedMediaType } from '../../../api/meta/index.js';

/** errors.NewGenericServerResponse(422, ...) as the JSON/merge patch handler uses it. */
export function patchRejected(serverMessage: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    group: '',
    kind: '',
    name: '',
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
  });
}

/** 400 for a patch body that cannot be decoded into the patch type. */
export const patchUndecodable = (msg: string): StatusError => badRequest(msg);

/**
 * A plain (non-status) error inside the patch machinery: kube-apiserver's ErrorToAPIStatus answers
 * 500 with an empty reason and the error's own text (kubectl prints "Error from server: <text>").
 */
export const patchInternal = (msg: string): StatusError => new StatusError(500, '', msg);

/** negotiation.NewUnsupportedMediaTypeError: the body was in a patch format this resource does not accept. */
export function unsupportedPatchType(accepted: readonly string[]): StatusError {
  return unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** A Go `%v` rendering of decoded JSON (maps with sorted keys), for messages that embed values. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}
