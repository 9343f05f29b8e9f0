/**
 * ObjectMeta validation as apimachinery's ValidateObjectMeta/ValidateObjectMetaUpdate do it:
 * name (per-kind syntax) or generateName, namespace scope, labels, annotations, finalizers,
 * owner references, and the fields an update may not change.
 */
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError, type ObjectMeta } from '../../../../api/meta/index.js';
import type { ResourceInfo } from '../../contracts.js';
import { arr, rec, str, text } from '../util.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE_ERROR, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName } from './names.js';

/** The total size of all annotation keys and values may not exceed this (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

type NameFn = (name: string) => string[];

const RBAC = 'rbac.authorization.k8s.io';
const nameFns: Record<string, NameFn> = {
  '/Namespace': isDNS1123Label,
  '/Service': isDNS1035Label,
  [`${RBAC}/Role`]: isValidPathSegmentName,
  [`${RBAC}/RoleBinding`]: isValidPathSegmentName,
  [`${RBAC}/ClusterRole`]: isValidPathSegmentName,
  [`${RBAC}/ClusterRoleBinding`]: isValidPathSegmentName,
  'apiregistration.k8s.io/APIService': isValidPathSegmentName,
  'apiextensions.k8s.io/CustomResourceDefinition': isDNS1123Subdomain,
};

/** The name syntax check kube-apiserver applies to objects of a kind (DNS-1123 subdomain for most). */
export function nameValidatorFor(info: Pick<ResourceInfo, 'group' | 'kind'>): NameFn {
  return nameFns[`${info.group}/${info.kind}`] ?? isDNS1123Subdomain;
}

/** generateName is checked as a prefix: a trailing '-' is allowed. */
function asPrefix(fn: NameFn): NameFn {
  return (v) => fn(v.endsWith('-') ? `${v.slice(0, -1)}a` : v);
}

/** Label map: keys are qualified names, values label values; errors at the map's path. */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(rec(labels) ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    const value = typeof v === 'string' ? v : text(v);
    for (const m of isValidLabelValue(value)) errs.push(invalid(path, value, m));
  }
  return errs;
}

/** Annotation map: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(rec(annotations) ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, undefined, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** metav1.LabelSelector (matchLabels + matchExpressions). */
export function validateLabelSelector(sel: unknown, path: FieldPath): FieldError[] {
  const s = rec(sel);
  if (!s) return [];
  const errs = validateLabels(s.matchLabels, path.child('matchLabels'));
  arr(s.matchExpressions).forEach((raw, i) => {
    const e = rec(raw) ?? {};
    const p = path.child('matchExpressions').index(i);
    const values = arr(e.values);
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(p.child('operator'), e.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(str(e.key) ?? '')) errs.push(invalid(p.child('key'), e.key, m));
  });
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(finalizers).map((f) => text(f));
  for (const f of list) {
    if (STANDARD_FINALIZERS.has(f)) continue;
    const msgs = isQualifiedName(f);
    for (const m of msgs) errs.push(invalid(path, f, m));
    if (msgs.length === 0 && !f.includes('/')) errs.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const raw of arr(refs)) {
    const r = rec(raw) ?? {};
    if (!str(r.apiVersion)) errs.push(invalid(path.child('apiVersion'), r.apiVersion ?? '', 'version must not be empty'));
    if (!str(r.kind)) errs.push(invalid(path.child('kind'), r.kind ?? '', 'kind must not be empty'));
    if (!str(r.name)) errs.push(invalid(path.child('name'), r.name ?? '', 'name must not be empty'));
    if (!str(r.uid)) errs.push(invalid(path.child('uid'), r.uid ?? '', 'uid must not be empty'));
    if (r.controller === true) controllers.push(`${str(r.kind) ?? ''}/${str(r.name) ?? ''}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

const immutableOnUpdate = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;

/**
 * ObjectMeta of a built-in object (old set on update). Errors are rooted at `metadata`.
 */
export function validateObjectMeta(info: Pick<ResourceInfo, 'group' | 'kind' | 'namespaced'>, meta: ObjectMeta | undefined, old?: ObjectMeta): FieldError[] {
  const m = meta ?? {};
  const path = FieldPath.root('metadata');
  const errs: FieldError[] = [];
  const nameFn = nameValidatorFor(info);
  if (m.generateName) for (const msg of asPrefix(nameFn)(m.generateName)) errs.push(invalid(path.child('generateName'), m.generateName, msg));
  if (!m.name) {
    if (!m.generateName) errs.push(required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameFn(m.name)) errs.push(invalid(path.child('name'), m.name, msg));
  }
  if (info.namespaced) {
    if (!m.namespace) errs.push(required(path.child('namespace'), ''));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(invalid(path.child('namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) errs.push(invalid(path.child('generation'), m.generation, IS_NEGATIVE_ERROR));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  if (old) {
    for (const f of immutableOnUpdate) {
      // kube-apiserver copies a missing uid/creationTimestamp from the old object; only a different one is an error.
      const lenient = f === 'uid' || f === 'creationTimestamp';
      if (old[f] !== undefined && m[f] !== old[f] && !(lenient && !m[f])) errs.push(invalid(path.child(f), m[f] ?? '', FIELD_IMMUTABLE));
    }
  }
  return errs;
}
