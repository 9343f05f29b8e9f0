/**
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview
 * (authorization.k8s.io/v1): validate the spec as kube-apiserver does, ask the authoriser, and
 * answer with status {allowed, denied, reason}. `kubectl auth can-i` uses SelfSubjectAccessReview.
 */
import { badRequest, invalid, invalidObject, type FieldError, type KubeObject } from '../../../api/meta/index.js';
import type { Decision, RequestAttributes, UserInfo } from '../contracts.js';

const GROUP = 'authorization.k8s.io';
export type Authorize = (attrs: RequestAttributes) => Decision;

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}
interface NonResourceAttributes {
  path?: string;
  verb?: string;
}
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

function specOf(body: KubeObject): AccessReviewSpec {
  return (body.spec ?? {});
}

/** Metadata with only unset/zero fields (what clients send: often `creationTimestamp: null`). */
function metadataIsEmpty(meta: object, allow: readonly string[] = []): boolean {
  return Object.entries(meta).every(
    ([k, v]) =>
      allow.includes(k) ||
      k === 'managedFields' ||
      v === null ||
      v === undefined ||
      v === '' ||
      (typeof v === 'object' && Object.keys(v).length === 0),
  );
}

function validateUnion(spec: AccessReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errs.push(invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

function validateSubject(spec: AccessReviewSpec): FieldError[] {
  if (!spec.user && (spec.groups ?? []).length === 0) {
    return [invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified')];
  }
  return [];
}

function throwIfInvalid(kind: string, errs: FieldError[]): void {
  if (errs.length > 0) throw invalidObject({ group: GROUP, kind }, '', errs);
}

/** The authoriser's input for a review spec, on behalf of `user`. */
function attributesFrom(spec: AccessReviewSpec, user: UserInfo): RequestAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      apiGroup: r.group ?? '',
      apiVersion: r.version ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', isResourceRequest: false, path: n.path ?? '' };
}

function respond(body: KubeObject, kind: string, decision: Decision): KubeObject {
  return {
    ...body,
    apiVersion: `${GROUP}/v1`,
    kind,
    metadata: { ...(body.metadata ?? {}) },
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
}

function userFromSpec(spec: AccessReviewSpec): UserInfo {
  return {
    name: spec.user ?? '',
    ...(spec.uid ? { uid: spec.uid } : {}),
    groups: [...(spec.groups ?? [])],
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
}

/** `POST /apis/authorization.k8s.io/v1/subjectaccessreviews`: may `spec.user`/`spec.groups` do this? */
export function handleSubjectAccessReview(body: KubeObject, authorize: Authorize): KubeObject {
  const kind = 'SubjectAccessReview';
  const spec = specOf(body);
  const errs = [...validateUnion(spec), ...validateSubject(spec)];
  if (!metadataIsEmpty(body.metadata ?? {})) errs.push(invalid('metadata', body.metadata, 'must be empty'));
  throwIfInvalid(kind, errs);
  return respond(body, kind, authorize(attributesFrom(spec, userFromSpec(spec))));
}

/**
 * `POST /apis/authorization.k8s.io/v1/namespaces/<ns>/localsubjectaccessreviews`: like a
 * SubjectAccessReview, restricted to resources in the URL's namespace.
 */
export function handleLocalSubjectAccessReview(body: KubeObject, namespace: string, authorize: Authorize): KubeObject {
  const kind = 'LocalSubjectAccessReview';
  const spec = specOf(body);
  const metaNs = body.metadata?.namespace || namespace;
  const errs = [...validateUnion(spec), ...validateSubject(spec)];
  if (!metadataIsEmpty(body.metadata ?? {}, ['namespace'])) {
    errs.push(invalid('metadata', body.metadata, 'must be empty except for namespace'));
  }
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== metaNs) {
    errs.push(invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) {
    errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  }
  throwIfInvalid(kind, errs);
  if (namespace === '') throw badRequest('namespace is required on this type: ');
  if (metaNs !== namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  const withNs = { ...body, metadata: { ...(body.metadata ?? {}), namespace } };
  return respond(withNs, kind, authorize(attributesFrom(spec, userFromSpec(spec))));
}

/** `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`: may the caller do this? */
export function handleSelfSubjectAccessReview(body: KubeObject, user: UserInfo, authorize: Authorize): KubeObject {
  const kind = 'SelfSubjectAccessReview';
  const spec = specOf(body);
  const errs = validateUnion(spec);
  if (!metadataIsEmpty(body.metadata ?? {})) errs.push(invalid('metadata', body.metadata, 'must be empty'));
  throwIfInvalid(kind, errs);
  return respond(body, kind, authorize(attributesFrom({ ...spec, user: user.name }, user)));
}
