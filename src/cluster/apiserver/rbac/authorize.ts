/**
 * The RBAC authoriser: visits ClusterRoleBindings, then the RoleBindings of the request's
 * namespace, and allows on the first rule that matches, with kube-apiserver's reason strings.
 * Members of system:masters are always allowed (kube-apiserver's privileged-group authoriser).
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { Decision, RbacSource, RequestAttributes, UserInfo } from '../contracts.js';
import { ruleAllows } from './rules.js';
import { roleRefOf, rulesOf, subjectsOf, type PolicyRule, type RoleRef, type Subject } from './types.js';

/** The group whose members bypass authorisation. */
export const systemMasters = 'system:masters';

const saPrefix = 'system:serviceaccount:';

/** The username a ServiceAccount authenticates as. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${saPrefix}${namespace}:${name}`;
}

/** Whether `subject` of a binding in `namespace` ('' for cluster bindings) names this user. */
export function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describeBinding(binding: KubeObject, ref: RoleRef, subject: Subject): string {
  const name = binding.metadata?.name ?? '';
  const ns = binding.metadata?.namespace ?? '';
  const head = ns ? `RoleBinding ${JSON.stringify(`${name}/${ns}`)}` : `ClusterRoleBinding ${JSON.stringify(name)}`;
  return `${head} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, ns)}`;
}

/** The rules a roleRef points at, or the NotFound text kube-apiserver reports for a missing role. */
function rulesForRef(ref: RoleRef, namespace: string, source: RbacSource): PolicyRule[] | string {
  const find = (roles: readonly KubeObject[]): KubeObject | undefined => roles.find((r) => r.metadata?.name === ref.name);
  if (ref.kind === 'ClusterRole') {
    const role = find(source.clusterRoles());
    return role ? [...rulesOf(role)] : `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
  }
  if (ref.kind === 'Role' && namespace) {
    const role = find(source.roles(namespace));
    return role ? [...rulesOf(role)] : `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
  }
  return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
}

/** Visits bindings in kube-apiserver's order; returns the allowing binding's description or the errors met. */
function visit(attrs: RequestAttributes, source: RbacSource): { allowedBy?: string; errors: string[] } {
  const errors: string[] = [];
  const namespaces = ['', ...(attrs.namespace ? [attrs.namespace] : [])];
  for (const ns of namespaces) {
    const bindings = ns === '' ? source.clusterRoleBindings() : source.roleBindings(ns);
    for (const binding of bindings) {
      const subject = subjectsOf(binding).find((s) => appliesToUser(attrs.user, s, ns));
      if (!subject) continue;
      const ref = roleRefOf(binding);
      const rules = rulesForRef(ref, ns, source);
      if (typeof rules === 'string') {
        errors.push(rules);
        continue;
      }
      if (rules.some((r) => ruleAllows(attrs, r))) return { allowedBy: describeBinding(binding, ref, subject), errors };
    }
  }
  return { errors };
}

/** RBAC decision; a denial's reason is empty unless a binding referenced a missing role. */
export function authorize(attrs: RequestAttributes, source: RbacSource): Decision {
  if (attrs.user.groups.includes(systemMasters)) return { allowed: true, reason: '' };
  const { allowedBy, errors } = visit(attrs, source);
  if (allowedBy) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
  if (errors.length === 0) return { allowed: false, reason: '' };
  return { allowed: false, reason: `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` };
}

/** Every rule that applies to the user in `namespace` (for SelfSubjectRulesReview and `kubectl auth can-i --list`). */
export function rulesFor(user: UserInfo, namespace: string, source: RbacSource): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  for (const ns of ['', ...(namespace ? [namespace] : [])]) {
    const bindings = ns === '' ? source.clusterRoleBindings() : source.roleBindings(ns);
    for (const binding of bindings) {
      if (!subjectsOf(binding).some((s) => appliesToUser(user, s, ns))) continue;
      const r = rulesForRef(roleRefOf(binding), ns, source);
      if (typeof r === 'string') errors.push(r);
      else rules.push(...r);
    }
  }
  return { rules, errors };
}
