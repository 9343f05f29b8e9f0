/** metav1.LabelSelector matching (matchLabels AND matchExpressions), for presets and replica sets. */
import { labelSelectorMatches } from '../meta/label-selector.js';
import type { LabelSelector } from './core.js';

/**
 * True when `labels` satisfy the selector. An empty selector matches everything, as
 * LabelSelectorAsSelector makes it; a missing one nothing; an invalid operator matches nothing.
 */
export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return selector ? labelSelectorMatches(selector, labels) : false;
}
