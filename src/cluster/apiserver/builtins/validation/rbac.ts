/**
 * rbac.authorization.k8s.io/v1: rule shapes, roleRef (valid and immutable) and subjects.
 */
import { FieldPath, invalid, notSupported, required, type FieldError } from '../../../../api/meta/index.js';
import { jsonEqual } from '../../../../api/meta/json.js';
import { arr, rec, recs, str, type Obj, text } from '../util.js';
import { validateLabelSelector } from './meta.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from './names.js';

const GROUP = 'rbac.authorization.k8s.io';

function validateRule(rule: Obj, path: FieldPath, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0 || arr(rule.resourceNames).length > 0) {
      errs.push(invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule.apiGroups).length === 0) errs.push(required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0) errs.push(required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

/** Role (namespaced) or ClusterRole. */
export function validateRole(role: Obj, namespaced: boolean): FieldError[] {
  const errs = recs(role.rules).flatMap((r, i) => validateRule(r, FieldPath.root('rules').index(i), namespaced));
  const agg = rec(role.aggregationRule);
  if (!namespaced && agg) {
    const selectors = arr(agg.clusterRoleSelectors);
    if (selectors.length === 0) {
      errs.push(required(FieldPath.root('aggregationRule', 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, FieldPath.root('aggregationRule', 'clusterRoleSelectors').index(i))));
  }
  return errs;
}

function validateSubject(s: Obj, path: FieldPath, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name) ?? '';
  if (name === '') errs.push(required(path.child('name'), ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const m of isDNS1123Subdomain(name)) errs.push(invalid(path.child('name'), name, m));
      if (str(s.apiGroup)) errs.push(notSupported(path.child('apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(path.child('namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== GROUP) errs.push(notSupported(path.child('apiGroup'), s.apiGroup ?? '', [GROUP]));
      break;
    default:
      errs.push(notSupported(path.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** RoleBinding (namespaced) or ClusterRoleBinding (old set on update: roleRef may not change). */
export function validateBinding(b: Obj, namespaced: boolean, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ref = rec(b.roleRef) ?? {};
  const refPath = FieldPath.root('roleRef');
  if (ref.apiGroup !== GROUP) errs.push(notSupported(refPath.child('apiGroup'), ref.apiGroup ?? '', [GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(text(ref.kind))) errs.push(notSupported(refPath.child('kind'), ref.kind ?? '', kinds));
  const name = str(ref.name) ?? '';
  if (name === '') errs.push(required(refPath.child('name'), ''));
  else for (const m of isValidPathSegmentName(name)) errs.push(invalid(refPath.child('name'), name, m));
  recs(b.subjects).forEach((s, i) => errs.push(...validateSubject(s, FieldPath.root('subjects').index(i), namespaced)));
  if (old && !jsonEqual(b.roleRef, old.roleRef)) errs.push(invalid(refPath, b.roleRef ?? null, 'cannot change roleRef'));
  return errs;
}
