/**
 * reviewAdmission: one AdmissionReview in, one AdmissionReview out, whatever the input. Malformed
 * bodies and unknown paths get allowed:false with a 400 status; a failure inside a handler is
 * reported the same way (logged by the caller), never as an HTTP 500.
 */
import { allow, parseReview, requestError, reviewOf, type AdmissionReview } from './admission.js';
import { HANDLERS, type AdmissionDeps } from './handlers.js';

/** Prefix of the message answered when a handler itself fails (a bug; the fuzz test looks for it). */
export const INTERNAL_FAILURE_PREFIX = 'virt-api could not process the admission request: ';

/** Answers the AdmissionReview `body` sent to `path`. Never throws. */
export async function reviewAdmission(path: string, body: unknown, deps: AdmissionDeps, onError?: (err: unknown) => void): Promise<AdmissionReview> {
  const parsed = parseReview(body);
  if ('error' in parsed) return reviewOf(requestError(parsed.uid, parsed.error));
  const { request } = parsed;
  const handler = HANDLERS[path];
  if (!handler) return reviewOf(requestError(request.uid, `no admission webhook is served at ${path}`));
  if (request.operation === 'DELETE' || request.operation === 'CONNECT') return reviewOf(allow(request.uid));
  try {
    return reviewOf(await handler(request, deps));
  } catch (err) {
    onError?.(err);
    const msg = err instanceof Error ? err.message : String(err);
    return reviewOf(requestError(request.uid, `${INTERNAL_FAILURE_PREFIX}${msg}`));
  }
}
