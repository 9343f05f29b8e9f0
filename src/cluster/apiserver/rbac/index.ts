/**
 * RBAC for the embedded API server: the authoriser, ClusterRole aggregation, the bootstrap
 * policy, escalation checks on RBAC writes, and kube-apiserver's Forbidden responses.
 *
 * Wiring: store bootstrapPolicy() objects at start (creating missing ones); whenever a
 * ClusterRole changes, store aggregate(allClusterRoles) (the aggregation controller's job), so
 * authorize() reads aggregated rules from RbacSource. A denial becomes forbiddenStatus(attrs,
 * decision.reason). On Role/ClusterRole/binding writes call checkRoleEscalation /
 * checkBindingEscalation. SelfSubjectRulesReview: subjectRulesReviewStatus.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { RbacModule } from '../contracts.js';
import { aggregate } from './aggregate.js';
import { authorize } from './authorize.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap.js';

export { authorize, rulesFor, appliesToUser, serviceAccountUsername, systemMasters } from './authorize.js';
export { forbiddenMessage, forbiddenReasonText, forbiddenStatus } from './messages.js';
export { aggregate } from './aggregate.js';
export { checkBindingEscalation, checkRoleEscalation, uncoveredRules, compactString } from './escalation.js';
export { ruleAllows } from './rules.js';
export { subjectRulesReviewStatus, type SubjectRulesReviewStatus } from './reviews.js';
export type { PolicyRule, Subject, RoleRef } from './types.js';

/** Bootstrap roles (with aggregated rules already filled in) followed by their bindings. */
function bootstrapPolicy(): KubeObject[] {
  const roles = bootstrapClusterRoles();
  const filled = new Map(aggregate(roles).map((r) => [r.metadata?.name, r]));
  return [...roles.map((r) => filled.get(r.metadata?.name) ?? r), ...bootstrapClusterRoleBindings()];
}

/** The RbacModule the server core wires in. */
export const rbac: RbacModule = { authorize, aggregate, bootstrapPolicy };
