/**
 * metav1.LabelSelector matching for webhook namespaceSelector/objectSelector. Kept minimal and
 * local; selectors/ (written in parallel) may replace it once it lands on main.
 */
import type { LabelSelector } from '../../../api/meta/index.js';

/** True when the selector is absent or has neither matchLabels nor matchExpressions (matches everything). */
export function selectorIsEmpty(sel: LabelSelector | undefined | null): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

/** Whether `labels` satisfy every matchLabels entry and every matchExpressions requirement. */
export function labelSelectorMatches(sel: LabelSelector | undefined | null, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!sel) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(l[req.key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[req.key] ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
