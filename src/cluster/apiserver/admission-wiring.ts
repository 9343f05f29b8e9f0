/**
 * Wires the admission module into the REST layer: webhook configurations and namespace labels
 * read from the store, Services resolved through their Endpoints.
 */
import { serviceUnavailable, type KubeObject } from '../../api/meta/index.js';
import { WebhookDispatcher, isExemptResource, ruleMatches, type Webhook } from './admission/index.js';
import type { AdmissionChain, AdmissionRequestInfo } from './modules.js';
import type { Store } from './store/store.js';

const ARG = 'admissionregistration.k8s.io';

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}
interface EndpointSubset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port: number }[];
}

/** host:port of a Service port, via the Service's Endpoints (first ready address). */
export function resolveServiceVia(store: Store) {
  return async (namespace: string, name: string, port: number): Promise<{ host: string; port: number }> => {
    const svc = store.peek({ group: '', resource: 'services' }, namespace, name);
    if (!svc) throw serviceUnavailable(`service "${namespace}/${name}" not found`);
    const sp = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).find((p) => p.port === port);
    if (!sp) throw serviceUnavailable(`service "${namespace}/${name}" has no port ${port}`);
    const ep = store.peek({ group: '', resource: 'endpoints' }, namespace, name);
    for (const sub of (ep?.subsets as EndpointSubset[] | undefined) ?? []) {
      const ip = sub.addresses?.[0]?.ip;
      const p = (sub.ports ?? []).find((x) => (sp.name ? x.name === sp.name : true)) ?? sub.ports?.[0];
      if (ip && p) return { host: ip, port: p.port };
    }
    throw serviceUnavailable(`service "${namespace}/${name}" has no ready endpoints`);
  };
}

/**
 * Whether any webhook rule of `configs` matches a request's operation, resource, subresource and
 * scope (the dispatcher is given no equivalent resources, so only the requested one counts).
 * Selectors and match conditions only narrow this down: when no rule matches, no webhook is called.
 * Answers are kept per configuration snapshot (store.snapshot returns a new array when they change).
 */
export function rulesMatcher(): (configs: readonly KubeObject[], req: AdmissionRequestInfo) => boolean {
  const answers = new WeakMap<readonly KubeObject[], Map<string, boolean>>();
  return (configs, req) => {
    const info = req.resource.info;
    if (configs.length === 0 || isExemptResource(info)) return false;
    const nsObject = info.group === '' && info.plural === 'namespaces';
    const namespace = nsObject ? req.name : req.namespace;
    const subresource = req.subresource ?? '';
    const key = `${req.operation} ${info.group} ${info.version} ${info.plural} ${subresource} ${namespace === '' ? '' : 'ns'}`;
    let known = answers.get(configs);
    if (!known) answers.set(configs, (known = new Map()));
    let v = known.get(key);
    if (v === undefined) {
      const target = { operation: req.operation, group: info.group, version: info.version, resource: info.plural, subresource, namespace };
      v = configs.some((c) => Array.isArray(c.webhooks) && (c.webhooks as Webhook[]).some((w) => (w.rules ?? []).some((r) => ruleMatches(r, target))));
      known.set(key, v);
    }
    return v;
  };
}

/** The admission chain over a webhook dispatcher reading its configuration from the store. */
export function wireAdmission(store: Store): AdmissionChain & { close(): void } {
  const mutating = () => store.snapshot({ group: ARG, resource: 'mutatingwebhookconfigurations' });
  const validating = () => store.snapshot({ group: ARG, resource: 'validatingwebhookconfigurations' });
  const d = new WebhookDispatcher({
    mutatingConfigurations: mutating,
    validatingConfigurations: validating,
    namespaceLabels: (name) => {
      const ns = store.peek({ group: '', resource: 'namespaces' }, '', name);
      return ns ? (ns.metadata?.labels ?? {}) : undefined;
    },
    resolveService: resolveServiceVia(store),
  });
  const matches = rulesMatcher();
  return {
    async admit(req) {
      // No webhook of this phase has a rule for this request (the common case): skip the dispatcher.
      if (!matches(req.phase === 'mutating' ? mutating() : validating(), req)) return undefined;
      const attrs = {
        operation: req.operation,
        resource: req.resource.info,
        subresource: req.subresource,
        namespace: req.namespace,
        name: req.name,
        object: req.object,
        oldObject: req.oldObject,
        user: req.user,
        dryRun: req.dryRun,
      };
      if (req.phase === 'mutating') {
        const out = await d.mutate(attrs);
        // The validating phase keeps using the texts of unchanged objects; without one, they go now.
        if (!matches(validating(), req)) d.forget(attrs);
        return out;
      }
      await d.validate(attrs);
      return undefined;
    },
    close: () => d.close(),
  };
}
