/**
 * Label matchers: from `?labelSelector=` strings and from metav1.LabelSelector objects, with
 * apimachinery's semantics (a nil metav1 selector matches nothing, an empty one everything).
 */
import { badRequest, type LabelSelector } from '../../../api/meta/index.js';
import type { LabelMatcher } from '../contracts.js';
import { parseLabelRequirements } from './label-parse.js';
import { newRequirement, requirementMatches, requirementString, sortByKey, type Operator, type Requirement } from './requirement.js';

const noLabels: Readonly<Record<string, string>> = Object.freeze({});

/** Every requirement holds (no labels read as none); one requirement, the common case, tests without a loop. */
function requirementsMatcher(reqs: readonly Requirement[]): LabelMatcher['matches'] {
  const [only] = reqs;
  if (reqs.length === 1 && only) return (labels) => requirementMatches(only, labels ?? noLabels);
  return (labels) => {
    const ls = labels ?? noLabels;
    for (const r of reqs) if (!requirementMatches(r, ls)) return false;
    return true;
  };
}

/** A matcher over a list of requirements, all of which must hold. */
export function matcherOf(reqs: readonly Requirement[]): LabelMatcher & { readonly requirements: readonly Requirement[] } {
  const sorted = sortByKey(reqs);
  const text = sorted.map(requirementString).join(',');
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    matches: requirementsMatcher(sorted),
    toString: () => text,
  };
}

/** labels.Everything(): matches every object. */
export const everything: LabelMatcher = matcherOf([]);

/** labels.Nothing(): matches no object; not empty, prints as "". */
export const nothing: LabelMatcher = { empty: false, matches: () => false, toString: () => '' };

/** labels.Parse for `?labelSelector=`; throws StatusError 400 with apimachinery's message. */
export function parseLabelSelector(s: string): LabelMatcher {
  try {
    return matcherOf(parseLabelRequirements(s));
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

const metaOps: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: nil -> nothing, {} -> everything, else matchLabels (as `=`)
 * AND matchExpressions. Used where Kubernetes keeps a nil selector meaning "none" (PodDisruptionBudget,
 * Deployment/ReplicaSet selectors). Throws StatusError 400 on invalid keys, values or operators.
 */
export function labelSelectorFromMeta(sel: LabelSelector | undefined | null): LabelMatcher {
  if (sel === undefined || sel === null) return nothing;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(orThrow(newRequirement(k, '=', [v])));
  for (const e of sel.matchExpressions ?? []) {
    const op = metaOps[e.operator as string];
    if (op === undefined) throw badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(orThrow(newRequirement(e.key, op, e.values && e.values.length > 0 ? [...e.values] : null)));
  }
  return reqs.length === 0 ? everything : matcherOf(reqs);
}

/**
 * For selectors that Kubernetes defaults to `{}` when unset (admission webhooks' namespaceSelector and
 * objectSelector, NetworkPolicy podSelector): nil matches everything.
 */
export function labelSelectorFromMetaOrEverything(sel: LabelSelector | undefined | null): LabelMatcher {
  return sel === undefined || sel === null ? everything : labelSelectorFromMeta(sel);
}

/** metav1.FormatLabelSelector (kubectl describe): the selector text, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  try {
    const text = labelSelectorFromMeta(sel).toString();
    return text.length === 0 ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

/** Selector for a plain label map (Service/ReplicationController spec.selector); nil or empty matches everything. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined | null): LabelMatcher {
  return matcherOf(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

function orThrow(r: Requirement | Error): Requirement {
  if (r instanceof Error) throw badRequest(r.message);
  return r;
}
