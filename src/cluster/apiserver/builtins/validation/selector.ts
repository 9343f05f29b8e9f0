/**
 * Evaluates a metav1.LabelSelector against a label map (for "selector does not match template
 * labels"). Malformed expressions never match; their syntax is reported by validateLabelSelector.
 */
import { arr, rec, str, text } from '../util.js';

/** True when the selector (matchLabels and matchExpressions) selects the labels. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  const s = rec(selector) ?? {};
  const l = rec(labels) ?? {};
  for (const [k, v] of Object.entries(rec(s.matchLabels) ?? {})) if (l[k] !== v) return false;
  for (const raw of arr(s.matchExpressions)) {
    const e = rec(raw) ?? {};
    const key = str(e.key) ?? '';
    const values = arr(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(l, key);
    const value = has ? text(l[key]) : undefined;
    switch (e.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
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

/** True when the selector has neither matchLabels nor matchExpressions (selects everything). */
export function selectorIsEmpty(selector: unknown): boolean {
  const s = rec(selector) ?? {};
  return Object.keys(rec(s.matchLabels) ?? {}).length === 0 && arr(s.matchExpressions).length === 0;
}
