/**
 * admission.k8s.io/v1 AdmissionReview shapes and the answers virt-api gives, built in one place:
 * a denial carries a 422 Invalid status whose message joins the causes' messages and whose
 * details list every cause (as upstream's webhookutils.ToAdmissionResponse), a request error a
 * 400 status, a mutation a base64 JSONPatch.
 */
import { toCause, type FieldError, type Status, type StatusCause } from '../api/meta/index.js';
import type { JSONPatchOperation } from '../api/kubevirt/defaults/patch.js';

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
}

/** The parts of an AdmissionRequest virt-api reads. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind?: { group: string; version: string; kind: string };
  readonly resource?: { group: string; version: string; resource: string };
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly userInfo?: UserInfo;
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: Partial<Status>;
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

/** StatusCause with an empty field omitted, as Go's `field,omitempty` prints it. */
function causeOf(e: FieldError): StatusCause {
  const c = toCause(e);
  return c.field ? c : { reason: c.reason, message: c.message };
}

/** A denial listing every cause: code 422, reason Invalid, message the causes' messages joined by ", ". */
export function deny(uid: string, errs: readonly FieldError[]): AdmissionResponse {
  const causes = errs.map(causeOf);
  return {
    uid,
    allowed: false,
    status: { metadata: {}, message: causes.map((c) => c.message ?? '').join(', '), reason: 'Invalid', code: 422, details: { causes } },
  };
}

/** A request virt-api cannot act on (bad input, missing object): code 400 with the reason in the message. */
export function requestError(uid: string, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { metadata: {}, message, code: 400 } };
}

/** Allowed, with an optional JSONPatch (omitted when empty) and warnings. */
export function allow(uid: string, patch: readonly JSONPatchOperation[] = [], warnings: readonly string[] = []): AdmissionResponse {
  const r: AdmissionResponse = { uid, allowed: true };
  if (patch.length > 0) {
    r.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
    r.patchType = 'JSONPatch';
  }
  if (warnings.length > 0) r.warnings = [...warnings];
  return r;
}

/** Wraps a response into the AdmissionReview the API server expects back. */
export const reviewOf = (response: AdmissionResponse): AdmissionReview => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Checks a decoded body is an AdmissionReview with a usable request; the problem as text otherwise. */
export function parseReview(body: unknown): { request: AdmissionRequest } | { uid: string; error: string } {
  if (!isObject(body)) return { uid: '', error: 'admission review must be a JSON object' };
  const req = body.request;
  const uid = isObject(req) && typeof req.uid === 'string' ? req.uid : '';
  if (body.kind !== 'AdmissionReview') return { uid, error: `expected kind AdmissionReview, got ${JSON.stringify(body.kind ?? '')}` };
  if (!isObject(req)) return { uid, error: 'admission review has no request' };
  if (!uid) return { uid, error: 'admission request has no uid' };
  if (typeof req.operation !== 'string' || !OPERATIONS.includes(req.operation)) return { uid, error: `unknown operation ${JSON.stringify(req.operation ?? '')}` };
  return { request: req as unknown as AdmissionRequest };
}
