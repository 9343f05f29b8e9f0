/**
 * RBAC privilege-escalation prevention as kube-apiserver's rbac registry applies it on writes of
 * Roles, ClusterRoles and their bindings: a user may only grant rules they hold themselves,
 * unless they may `escalate` (roles) or `bind` (bindings), or are in system:masters.
 */
import { forbiddenError, type KubeObject, type StatusError } from '../../../api/meta/index.js';
import type { RbacSource, UserInfo } from '../contracts.js';
import { authorize, rulesFor, systemMasters } from './authorize.js';
import { aggregationRuleOf, roleRefOf, rulesOf, type PolicyRule } from './types.js';

const rbacGroup = 'rbac.authorization.k8s.io';
const has = (set: readonly string[] | undefined, v: string): boolean => (set ?? []).includes(v);
const hasAll = (set: readonly string[] | undefined, vs: readonly string[] | undefined): boolean => (vs ?? []).every((v) => has(set, v));

/** One rule per group x resource x verb (x name), and per non-resource URL x verb (BreakdownRule). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const g of rule.apiGroups ?? [])
    for (const r of rule.resources ?? [])
      for (const v of rule.verbs ?? []) {
        if ((rule.resourceNames ?? []).length === 0) out.push({ apiGroups: [g], resources: [r], verbs: [v] });
        else for (const n of rule.resourceNames ?? []) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
      }
  for (const u of rule.nonResourceURLs ?? []) for (const v of rule.verbs ?? []) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
}

function resourcesCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, '*') || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((r) => has(owner, r) || (r.includes('/') && has(owner, `*/${r.slice(r.indexOf('/') + 1)}`)));
}

function urlsCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  return (wanted ?? []).every((w) => (owner ?? []).some((o) => o === w || (o.endsWith('*') && w.startsWith(o.slice(0, -1)))));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names = (sub.resourceNames ?? []).length === 0 ? (owner.resourceNames ?? []).length === 0 : (owner.resourceNames ?? []).length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (
    (has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs)) &&
    (has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourcesCover(owner.resources, sub.resources) &&
    urlsCover(owner.nonResourceURLs, sub.nonResourceURLs) &&
    names
  );
}

/** The broken-down rules of `wanted` that no rule of `owner` covers (Covers). */
export function uncoveredRules(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  return wanted.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

const goQuoteList = (l: readonly string[]): string => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** PolicyRule.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if ((r.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuoteList(r.apiGroups!)}`);
  if ((r.resources ?? []).length > 0) parts.push(`Resources:${goQuoteList(r.resources!)}`);
  if ((r.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs!)}`);
  if ((r.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goQuoteList(r.resourceNames!)}`);
  if ((r.verbs ?? []).length > 0) parts.push(`Verbs:${goQuoteList(r.verbs!)}`);
  return `{${parts.join(', ')}}`;
}

/** Merges single group/resource(/name) rules that differ only in verbs (CompactRules). */
function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }>();
  for (const r of rules) {
    const isSimple = (r.nonResourceURLs ?? []).length === 0 && (r.resourceNames ?? []).length <= 1 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? []]);
    const seen = simple.get(key);
    if (seen) seen.verbs.push(...(r.verbs ?? []));
    else simple.set(key, { apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...(r.verbs ?? [])], ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}) });
  }
  return [...out, ...simple.values()];
}

function escalationMessage(user: UserInfo, missing: readonly PolicyRule[], errors: readonly string[]): string {
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  const head = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  return errors.length > 0 ? `${head}; resolution errors: [${errors.join(', ')}]` : head;
}

function forbidden(resource: string, name: string, msg: string): StatusError {
  const prefix = `${resource}.${rbacGroup} ${JSON.stringify(name)}`;
  return forbiddenError(`${prefix} is forbidden: ${msg}`, { group: rbacGroup, kind: resource, name });
}

function may(user: UserInfo, verb: string, resource: string, name: string, namespace: string, source: RbacSource): boolean {
  return authorize({ user, verb, isResourceRequest: true, apiGroup: rbacGroup, resource, name, ...(namespace ? { namespace } : {}) }, source).allowed;
}

/** For a create/update of a Role or ClusterRole: a 403 StatusError when it would escalate privileges. */
export function checkRoleEscalation(user: UserInfo, role: KubeObject, source: RbacSource): StatusError | undefined {
  const cluster = role.kind === 'ClusterRole';
  const resource = cluster ? 'clusterroles' : 'roles';
  const name = role.metadata?.name ?? '';
  const ns = cluster ? '' : (role.metadata?.namespace ?? '');
  if (user.groups.includes(systemMasters) || may(user, 'escalate', resource, name, ns, source)) return undefined;
  const owner = rulesFor(user, ns, source);
  const missing = uncoveredRules(owner.rules, rulesOf(role));
  if (missing.length > 0) return forbidden(resource, name, escalationMessage(user, missing, owner.errors));
  if (cluster && aggregationRuleOf(role) && uncoveredRules(owner.rules, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]).length > 0) {
    return forbidden(resource, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
  return undefined;
}

/** For a create/update of a (Cluster)RoleBinding: a 403 unless the user may `bind` the role or holds its rules. */
export function checkBindingEscalation(user: UserInfo, binding: KubeObject, source: RbacSource): StatusError | undefined {
  const cluster = binding.kind === 'ClusterRoleBinding';
  const resource = cluster ? 'clusterrolebindings' : 'rolebindings';
  const ns = cluster ? '' : (binding.metadata?.namespace ?? '');
  const ref = roleRefOf(binding);
  const refResource = ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
  if (user.groups.includes(systemMasters) || may(user, 'bind', refResource, ref.name, ns, source)) return undefined;
  const roles = ref.kind === 'ClusterRole' ? source.clusterRoles() : ns ? source.roles(ns) : [];
  const role = roles.find((r) => r.metadata?.name === ref.name);
  const name = binding.metadata?.name ?? '';
  if (!role) return forbidden(resource, name, `${ref.kind === 'ClusterRole' ? 'clusterrole' : 'role'}.${rbacGroup} ${JSON.stringify(ref.name)} not found`);
  const owner = rulesFor(user, ns, source);
  const missing = uncoveredRules(owner.rules, rulesOf(role));
  return missing.length > 0 ? forbidden(resource, name, escalationMessage(user, missing, owner.errors)) : undefined;
}
