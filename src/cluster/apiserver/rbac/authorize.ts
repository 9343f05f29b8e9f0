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

/*
 * Indexes over the source's lists, keyed by the list itself: a source hands out the same (frozen)
 * list until an RBAC object changes and a new list otherwise, so an index never outlives its list.
 * The index of a list a source makes afresh per call is simply never looked up again.
 */
const roleIndexes = new WeakMap<readonly KubeObject[], Map<string, KubeObject>>();
const bindingIndexes = new WeakMap<readonly KubeObject[], Map<string, readonly BoundSubject[]>>();
/** Users (name and groups) remembered per binding list; past this the list's index starts over. */
const MAX_USERS_PER_LIST = 1024;

/** A binding of the list and the first of its subjects naming the user. */
interface BoundSubject {
  readonly binding: KubeObject;
  readonly subject: Subject;
}

/** The first role of `roles` named `name` (as Array.find would return it). */
function roleNamed(roles: readonly KubeObject[], name: string): KubeObject | undefined {
  let byName = roleIndexes.get(roles);
  if (!byName) {
    byName = new Map();
    for (const r of roles) {
      const n = r.metadata?.name ?? '';
      if (!byName.has(n)) byName.set(n, r);
    }
    roleIndexes.set(roles, byName);
  }
  return byName.get(name);
}

/** The bindings of `bindings` (in order) with a subject naming `user`, each with that first subject. */
function bindingsOf(bindings: readonly KubeObject[], user: UserInfo, namespace: string): readonly BoundSubject[] {
  let byUser = bindingIndexes.get(bindings);
  if (!byUser) bindingIndexes.set(bindings, (byUser = new Map()));
  const key = `${namespace}\u0000${user.name}\u0000${user.groups.join('\u0000')}`;
  let found = byUser.get(key);
  if (!found) {
    const out: BoundSubject[] = [];
    for (const binding of bindings) {
      const subject = subjectsOf(binding).find((s) => appliesToUser(user, s, namespace));
      if (subject) out.push({ binding, subject });
    }
    if (byUser.size >= MAX_USERS_PER_LIST) byUser.clear();
    byUser.set(key, (found = out));
  }
  return found;
}

/** The rules a roleRef points at, or the NotFound text kube-apiserver reports for a missing role. */
function rulesForRef(ref: RoleRef, namespace: string, source: RbacSource): readonly PolicyRule[] | string {
  if (ref.kind === 'ClusterRole') {
    const role = roleNamed(source.clusterRoles(), ref.name);
    return role ? rulesOf(role) : `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
  }
  if (ref.kind === 'Role' && namespace) {
    const role = roleNamed(source.roles(namespace), ref.name);
    return role ? rulesOf(role) : `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`;
  }
  return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
}

/** Visits bindings in kube-apiserver's order; returns the allowing binding's description or the errors met. */
function visit(attrs: RequestAttributes, source: RbacSource): { allowedBy?: string; errors: string[] } {
  const errors: string[] = [];
  const namespaces = ['', ...(attrs.namespace ? [attrs.namespace] : [])];
  for (const ns of namespaces) {
    const bindings = ns === '' ? source.clusterRoleBindings() : source.roleBindings(ns);
    for (const { binding, subject } of bindingsOf(bindings, attrs.user, ns)) {
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
