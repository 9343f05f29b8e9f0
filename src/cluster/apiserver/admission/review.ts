/**
 * AdmissionReview (admission.k8s.io/v1) on the API server's side: the request sent to a webhook,
 * the checks on its response, and the errors kube-apiserver reports for calls and denials.
 */
import type { Operation } from 'fast-json-patch';
import { StatusError, internalError, type KubeObject, type Status } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { toApiUserInfo } from '../authn/token-review.js';
import { knownJson } from '../store/json-memo.js';
import type { AdmissionAttributes } from './types.js';

export type ReviewVersion = 'v1' | 'v1beta1';
const SUPPORTED_VERSIONS: readonly ReviewVersion[] = ['v1', 'v1beta1'];

/** A failed call (transport, timeout, bad response): subject to the webhook's failurePolicy. */
export class WebhookCallError extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook "${webhookName}": ${reason}`);
    this.name = 'WebhookCallError';
  }
}

/** The first AdmissionReview version the webhook accepts that we speak, as upstream picks it. */
export function reviewVersionFor(webhookName: string, accepted: readonly string[] | undefined): ReviewVersion {
  const v = (accepted ?? []).find((a): a is ReviewVersion => (SUPPORTED_VERSIONS as readonly string[]).includes(a));
  if (!v) throw new WebhookCallError(webhookName, `webhook does not accept known AdmissionReview versions, accepted: ${JSON.stringify(accepted ?? [])}`);
  return v;
}

/** `object` seen at another group/version of the same resource (matchPolicy Equivalent; schemas are equal). */
export function atVersion(obj: KubeObject | undefined, info: ResourceInfo): KubeObject | undefined {
  if (!obj) return undefined;
  return { ...obj, apiVersion: info.group ? `${info.group}/${info.version}` : info.version };
}

const OPTIONS_KIND: Record<AdmissionAttributes['operation'], string | undefined> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
  CONNECT: undefined,
};

/** The options object kube-apiserver sends when the caller gave none (dryRun as ["All"]). */
function defaultOptions(attrs: AdmissionAttributes): Record<string, unknown> | null {
  const kind = OPTIONS_KIND[attrs.operation];
  if (!kind) return null;
  return { apiVersion: 'meta.k8s.io/v1', kind, ...(attrs.dryRun ? { dryRun: ['All'] } : {}) };
}

/** The request fields before object/oldObject (kube-apiserver's order); `info` is the resource the webhook matched. */
function requestHead(uid: string, attrs: AdmissionAttributes, info: ResourceInfo): Record<string, unknown> {
  const requested = attrs.resource;
  const kindOf = (r: ResourceInfo) =>
    attrs.kind && r === requested ? attrs.kind : { group: r.group, version: r.version, kind: attrs.kind?.kind ?? r.kind };
  const sub = attrs.subresource ?? '';
  return {
    uid,
    kind: kindOf(info),
    resource: { group: info.group, version: info.version, resource: info.plural },
    ...(sub ? { subResource: sub } : {}),
    requestKind: kindOf(requested),
    requestResource: { group: requested.group, version: requested.version, resource: requested.plural },
    ...(sub ? { requestSubResource: sub } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: toApiUserInfo(attrs.user),
  };
}

/** The AdmissionReview body for one call; `info` is the resource the webhook matched (maybe an equivalent). */
export function buildReview(version: ReviewVersion, uid: string, attrs: AdmissionAttributes, info: ResourceInfo): Record<string, unknown> {
  const request: Record<string, unknown> = {
    ...requestHead(uid, attrs, info),
    object: atVersion(attrs.object, info) ?? null,
    oldObject: atVersion(attrs.oldObject, info) ?? null,
    dryRun: attrs.dryRun ?? false,
    options: attrs.options ?? defaultOptions(attrs),
  };
  return { apiVersion: `admission.k8s.io/${version}`, kind: 'AdmissionReview', request };
}

/**
 * `obj` at the matched version as JSON text; objects already at that version are serialised once
 * per `texts` (the dispatcher's cache: the same object goes to several webhooks of a request), or
 * not at all when the store knows their JSON (the old object of an update).
 */
export function objectText(obj: KubeObject | undefined, info: ResourceInfo, texts?: WeakMap<object, string>): string {
  if (!obj) return 'null';
  if (obj.apiVersion !== (info.group ? `${info.group}/${info.version}` : info.version)) return JSON.stringify(atVersion(obj, info));
  let text = knownJson(obj) ?? texts?.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    texts?.set(obj, text);
  }
  return text;
}

/** JSON.stringify(buildReview(...)), with object and oldObject taken from (or put in) `texts`. */
export function reviewText(version: ReviewVersion, uid: string, attrs: AdmissionAttributes, info: ResourceInfo, texts?: WeakMap<object, string>): string {
  const head = JSON.stringify(requestHead(uid, attrs, info));
  const object = objectText(attrs.object, info, texts);
  const oldObject = objectText(attrs.oldObject, info, texts);
  const tail = `"dryRun":${attrs.dryRun === true},"options":${JSON.stringify(attrs.options ?? defaultOptions(attrs))}`;
  return `{"apiVersion":"admission.k8s.io/${version}","kind":"AdmissionReview","request":${head.slice(0, -1)},"object":${object},"oldObject":${oldObject},${tail}}}`;
}

export type ReviewOutcome =
  | { readonly allowed: true; readonly patch?: Operation[]; readonly warnings: readonly string[] }
  | { readonly allowed: false; readonly status?: Partial<Status>; readonly warnings: readonly string[] };

interface AdmissionResponse {
  uid?: unknown;
  allowed?: unknown;
  status?: Partial<Status>;
  patch?: unknown;
  patchType?: unknown;
  warnings?: unknown;
}

/**
 * Checks a webhook's answer as kube-apiserver does (kind, uid, patch/patchType) and decodes the patch.
 * Throws WebhookCallError "received invalid webhook response: ..." on a malformed answer.
 */
export function parseReviewResponse(
  webhookName: string,
  body: unknown,
  expect: { uid: string; version: ReviewVersion; mutating: boolean },
): ReviewOutcome {
  const bad = (why: string) => new WebhookCallError(webhookName, `received invalid webhook response: ${why}`);
  const review = body as { apiVersion?: unknown; kind?: unknown; response?: AdmissionResponse } | null;
  const wantApiVersion = `admission.k8s.io/${expect.version}`;
  if (review?.apiVersion !== wantApiVersion || review.kind !== 'AdmissionReview') {
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    const got = `${str(review?.apiVersion)}, Kind=${str(review?.kind)}`;
    throw bad(`expected webhook response of ${wantApiVersion}, Kind=AdmissionReview, got ${got}`);
  }
  const r = review.response;
  if (!r) throw bad('webhook response was absent');
  if (r.uid !== expect.uid) throw bad(`expected response.uid=${JSON.stringify(expect.uid)}, got ${JSON.stringify(r.uid ?? '')}`);
  const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === 'string') : [];
  if (r.allowed !== true) return { allowed: false, ...(r.status ? { status: r.status } : {}), warnings };
  const hasPatch = typeof r.patch === 'string' && r.patch.length > 0;
  if (!expect.mutating && hasPatch) throw bad('validating webhooks may not return patches');
  if (hasPatch && r.patchType === undefined) throw bad('webhook returned response.patch but not response.patchType');
  if (!hasPatch && r.patchType !== undefined && r.patchType !== null) throw bad('webhook returned response.patchType but not response.patch');
  if (!hasPatch) return { allowed: true, warnings };
  if (r.patchType !== 'JSONPatch') throw bad(`webhook returned invalid response.patchType of ${JSON.stringify(r.patchType)}`);
  let patch: unknown;
  try {
    patch = JSON.parse(Buffer.from(r.patch as string, 'base64').toString('utf8'));
  } catch (err) {
    throw internalError((err as Error).message, err);
  }
  if (!Array.isArray(patch)) {
    throw internalError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return { allowed: true, patch: patch as Operation[], warnings };
}

/**
 * The error a denial becomes: the webhook's Status with code >= 400 and the message prefixed
 * `admission webhook "name" denied the request: ...`; causes and details are kept.
 */
export function denialError(webhookName: string, status: Partial<Status> | undefined): StatusError {
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const s = status ?? {};
  const code = typeof s.code === 'number' && s.code >= 400 ? s.code : 400;
  const message = s.message ? `${deniedBy}: ${s.message}` : s.reason ? `${deniedBy}: ${s.reason}` : `${deniedBy} without explanation`;
  return new StatusError(code, (s.reason ?? ''), message, s.details);
}
