/**
 * metav1.LabelSelector matching for aggregationRule.clusterRoleSelectors (the shared selectors
 * module was not on main when this was written; replace with it once it is).
 */
import type { LabelSelector } from '../../../api/meta/index.js';

/** True when `labels` satisfy every matchLabels pair and matchExpressions requirement; `{}` matches all. */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of sel.matchExpressions ?? []) {
    const present = Object.hasOwn(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(l[req.key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(l[req.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}
