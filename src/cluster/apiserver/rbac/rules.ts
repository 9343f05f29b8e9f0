// PolicyRule matching exactly as Kubernetes' RBAC evaluates it (rbac/v1 helpers): `*` wildcards
// for verbs, groups and resources, `resource/subresource` and `*/subresource` forms,
// resourceNames, and non-resource URLs with a trailing `*` prefix match.
import type { RequestAttributes } from '../contracts.js';
import type { PolicyRule } from './types.js';

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).includes(v);

/** The request verb is listed, or the rule has `*`. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, '*') || has(rule.verbs, verb);
}

/** The request API group is listed, or the rule has `*`. */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, '*') || has(rule.apiGroups, group);
}

/** `combined` is `resource` or `resource/subresource`; a rule `* /sub` (no space) matches any resource's `sub`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** No resourceNames means any name; otherwise the request name must be listed (so nameless requests never match). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  return (rule.resourceNames ?? []).length === 0 || has(rule.resourceNames, name);
}

/** Exact path, `*`, or a `prefix*` entry. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** True when `rule` grants the request. */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!attrs.isResourceRequest) return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path ?? '');
  const resource = attrs.resource ?? '';
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${resource}/${sub}` : resource;
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.apiGroup ?? '') &&
    resourceMatches(rule, combined, sub) &&
    resourceNameMatches(rule, attrs.name ?? '')
  );
}
