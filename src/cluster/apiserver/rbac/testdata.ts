/** Fixtures shared by this module's tests: an in-memory RbacSource over a list of objects. */
import type { KubeObject } from '../../../api/meta/index.js';
import type { RbacSource } from '../contracts.js';

/** An RbacSource that reads Roles, ClusterRoles and bindings from `objs` by kind and namespace. */
export function memorySource(objs: readonly KubeObject[]): RbacSource {
  const of = (kind: string, ns?: string) => objs.filter((o) => o.kind === kind && (ns === undefined || o.metadata?.namespace === ns));
  return {
    clusterRoles: () => of('ClusterRole'),
    clusterRoleBindings: () => of('ClusterRoleBinding'),
    roles: (ns) => of('Role', ns),
    roleBindings: (ns) => of('RoleBinding', ns),
  };
}
