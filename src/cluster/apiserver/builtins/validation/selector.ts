/**
 * Evaluates a metav1.LabelSelector against a label map (for "selector does not match template
 * labels"). Malformed expressions never match; their syntax is reported by validateLabelSelector.
 */
import { labelSelectorMatches } from '../../../../api/meta/index.js';
import { arr, rec } from '../util.js';

/** True when the selector (matchLabels and matchExpressions) selects the labels; a missing selector selects everything. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  return labelSelectorMatches(rec(selector) ?? {}, labels);
}

/** True when the selector has neither matchLabels nor matchExpressions (selects everything). */
export function selectorIsEmpty(selector: unknown): boolean {
  const s = rec(selector) ?? {};
  return Object.keys(rec(s.matchLabels) ?? {}).length === 0 && arr(s.matchExpressions).length === 0;
}
