/**
 * Which webhooks a request reaches, decided as kube-apiserver's webhook predicates do: rules
 * (operations, groups, versions, resources with subresources, scope), matchPolicy, and the
 * namespace and object label selectors.
 */
import { notFound } from '../../../api/meta/index.js';
import type { ResourceInfo } from '../contracts.js';
import { labelSelectorFromMetaOrEverything } from '../selectors/index.js';
import type { AdmissionAttributes, AdmissionOperation, RuleWithOperations, Webhook } from './types.js';

/** Other group/versions serving the same objects (e.g. every served version of a CRD), for matchPolicy Equivalent. */
export type EquivalentResources = (info: ResourceInfo) => readonly ResourceInfo[];
/** Labels of a namespace, or undefined when it does not exist. */
export type NamespaceLabels = (
  name: string,
) => Readonly<Record<string, string>> | undefined | Promise<Readonly<Record<string, string>> | undefined>;

/** The fields of a request that rules look at. */
export interface RuleTarget {
  readonly operation: AdmissionOperation;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  /** Namespace of the object; for a Namespace object itself, its own name (as upstream). */
  readonly namespace: string;
}

const has = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === '*' || x === v);

function isNamespaceResource(group: string, resource: string): boolean {
  return group === '' && resource === 'namespaces';
}

/** `pods/*` matches pods and all its subresources, `*` main resources only, `*\/status` every status. */
function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource: string): boolean {
  return (patterns ?? []).some((p) => {
    const slash = p.indexOf('/');
    const res = slash < 0 ? p : p.slice(0, slash);
    const sub = slash < 0 ? '' : p.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

function scopeMatches(scope: RuleWithOperations['scope'], t: RuleTarget): boolean {
  const nsObject = isNamespaceResource(t.group, t.resource);
  switch (scope ?? '*') {
    case 'Namespaced':
      return !nsObject && t.namespace !== '';
    case 'Cluster':
      return nsObject || t.namespace === '';
    case '*':
      return true;
  }
}

/** One rule of a webhook against one request. */
export function ruleMatches(rule: RuleWithOperations, t: RuleTarget): boolean {
  return (
    has(rule.operations, t.operation) &&
    has(rule.apiGroups, t.group) &&
    has(rule.apiVersions, t.version) &&
    resourceMatches(rule.resources, t.resource, t.subresource) &&
    scopeMatches(rule.scope, t)
  );
}

/** The namespace admission uses: a Namespace object's own name, else the object's namespace. */
export function effectiveNamespace(attrs: AdmissionAttributes): string {
  const r = attrs.resource;
  return isNamespaceResource(r.group, r.plural) ? (attrs.name ?? '') : (attrs.namespace ?? '');
}

function targetFor(attrs: AdmissionAttributes, info: ResourceInfo): RuleTarget {
  return {
    operation: attrs.operation,
    group: info.group,
    version: info.version,
    resource: info.plural,
    subresource: attrs.subresource ?? '',
    namespace: effectiveNamespace(attrs),
  };
}

/** Webhook configuration objects are never sent to webhooks (no webhook can lock itself in). */
export function isExemptResource(info: ResourceInfo): boolean {
  return (
    info.group === 'admissionregistration.k8s.io' &&
    ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'].includes(
      info.plural,
    )
  );
}

/**
 * The resource version the webhook is called with: the requested one when a rule matches it,
 * else (matchPolicy Equivalent, the default) the first equivalent resource a rule matches.
 */
export function matchingResource(webhook: Webhook, attrs: AdmissionAttributes, equivalents?: EquivalentResources): ResourceInfo | undefined {
  const rules = webhook.rules ?? [];
  const matches = (info: ResourceInfo): boolean => rules.some((r) => ruleMatches(r, targetFor(attrs, info)));
  if (matches(attrs.resource)) return attrs.resource;
  if ((webhook.matchPolicy ?? 'Equivalent') === 'Exact' || !equivalents) return undefined;
  return equivalents(attrs.resource).find((info) => info !== attrs.resource && matches(info));
}

/**
 * The resources (before any `/subresource`) the rules of `webhooks` name, for a quick "can any of
 * them match?" test; undefined when some rule names `*` (anything may match).
 */
export function ruleResources(webhooks: readonly Webhook[]): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  for (const w of webhooks) {
    for (const rule of w.rules ?? []) {
      for (const p of rule.resources ?? []) {
        const slash = p.indexOf('/');
        const res = slash < 0 ? p : p.slice(0, slash);
        if (res === '*') return undefined;
        out.add(res);
      }
    }
  }
  return out;
}

/** False when no rule of a list with these `ruleResources` can match the request's resource (nor an equivalent). */
export function mayMatch(resources: ReadonlySet<string> | undefined, attrs: AdmissionAttributes, equivalents?: EquivalentResources): boolean {
  if (!resources || resources.has(attrs.resource.plural)) return true;
  return equivalents !== undefined && equivalents(attrs.resource).some((info) => resources.has(info.plural));
}

function labelsOf(obj: { metadata?: { labels?: Record<string, string> } } | undefined): Record<string, string> | undefined {
  return obj?.metadata?.labels;
}

/** objectSelector: matches when the new or the old object's labels match. */
export function objectSelectorMatches(webhook: Webhook, attrs: AdmissionAttributes): boolean {
  const sel = labelSelectorFromMetaOrEverything(webhook.objectSelector);
  if (sel.empty) return true;
  return (
    (attrs.object !== undefined && sel.matches(labelsOf(attrs.object))) ||
    (attrs.oldObject !== undefined && sel.matches(labelsOf(attrs.oldObject)))
  );
}

/**
 * namespaceSelector: cluster-scoped objects (other than namespaces) always match; a Namespace being
 * created or updated is matched by its new labels; otherwise the namespace's stored labels (404 if missing).
 */
export async function namespaceSelectorMatches(webhook: Webhook, attrs: AdmissionAttributes, lookup: NamespaceLabels): Promise<boolean> {
  const r = attrs.resource;
  const nsObject = isNamespaceResource(r.group, r.plural);
  const ns = effectiveNamespace(attrs);
  if (ns === '' && !nsObject) return true;
  const sel = labelSelectorFromMetaOrEverything(webhook.namespaceSelector);
  if (sel.empty) return true;
  let labels: Readonly<Record<string, string>> | undefined;
  if (nsObject && !attrs.subresource && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) {
    labels = labelsOf(attrs.object) ?? {};
  } else {
    labels = await lookup(ns);
    if (labels === undefined) throw notFound({ group: '', resource: 'namespaces' }, ns);
  }
  return sel.matches(labels);
}
