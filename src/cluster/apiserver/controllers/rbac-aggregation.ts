/**
 * ClusterRole aggregation: ClusterRoles with an aggregationRule get the rules of every ClusterRole
 * their selectors match, recomputed by the RBAC module whenever any ClusterRole changes.
 */
import { canonical } from '../../../api/meta/json.js';
import type { RestDeps } from '../rest/context.js';
import { runController, type RunningController } from './controller.js';

const gr = { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' };

function reconcile(deps: RestDeps): void {
  const rbac = deps.modules.rbac;
  if (!rbac) return;
  const all = deps.store.list(gr).items;
  const byName = new Map(all.map((r) => [r.metadata?.name ?? '', r]));
  for (const agg of rbac.aggregate(all)) {
    const name = agg.metadata?.name ?? '';
    const live = byName.get(name);
    if (!live || canonical(live.rules ?? []) === canonical(agg.rules ?? [])) continue;
    deps.store.guaranteedUpdate(gr, '', name, (cur) => (canonical(cur.rules ?? []) === canonical(agg.rules ?? []) ? undefined : { ...cur, rules: agg.rules }));
  }
}

/** Starts the aggregation controller (one key: the whole set of ClusterRoles). */
export function startRbacAggregation(deps: RestDeps): RunningController {
  return runController(deps, 'clusterrole-aggregation', (ev) => (ev.resource === `${gr.group}/${gr.resource}` ? ['all'] : []), () => reconcile(deps), ['all']);
}
