/**
 * ClusterRole aggregation as the clusterrole-aggregation controller performs it: an aggregated
 * role's rules are the de-duplicated rules of every other ClusterRole its selectors match, taken
 * in name order. Repeats until stable so aggregated roles can feed others (view -> edit -> admin).
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { LabelMatcher } from '../contracts.js';
import { selectors } from '../selectors/index.js';
import { aggregationRuleOf, rulesOf, type PolicyRule } from './types.js';

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const eq = (x: readonly string[] | undefined, y: readonly string[] | undefined): boolean =>
    (x ?? []).length === (y ?? []).length && (x ?? []).every((v, i) => v === (y ?? [])[i]);
  return (
    eq(a.verbs, b.verbs) &&
    eq(a.apiGroups, b.apiGroups) &&
    eq(a.resources, b.resources) &&
    eq(a.resourceNames, b.resourceNames) &&
    eq(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function aggregatedRules(role: KubeObject, byName: readonly KubeObject[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const sel of aggregationRuleOf(role)?.clusterRoleSelectors ?? []) {
    let matcher: LabelMatcher;
    try {
      matcher = selectors.labelSelectorFromMeta(sel);
    } catch {
      continue; // an invalid selector selects nothing (the controller reports it and moves on)
    }
    for (const other of byName) {
      if (other.metadata?.name === role.metadata?.name || !matcher.matches(other.metadata?.labels)) continue;
      for (const r of rulesOf(other)) if (!out.some((x) => sameRule(x, r))) out.push(r);
    }
  }
  return out;
}

/** The ClusterRoles that have an aggregationRule, each a copy with `rules` recomputed. */
export function aggregate(clusterRoles: readonly KubeObject[]): KubeObject[] {
  const name = (r: KubeObject): string => r.metadata?.name ?? '';
  let roles = [...clusterRoles].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  const aggregated = new Set(roles.filter((r) => aggregationRuleOf(r)?.clusterRoleSelectors).map((r) => r.metadata?.name));
  for (let pass = 0; pass <= roles.length; pass++) {
    let changed = false;
    roles = roles.map((r) => {
      if (!aggregated.has(r.metadata?.name)) return r;
      const rules = aggregatedRules(r, roles);
      if (JSON.stringify(rules) === JSON.stringify(rulesOf(r))) return r;
      changed = true;
      return { ...r, rules };
    });
    if (!changed) break;
  }
  return roles.filter((r) => aggregated.has(r.metadata?.name)).map((r) => ({ ...r, rules: [...rulesOf(r)] }));
}
