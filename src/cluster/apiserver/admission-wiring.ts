/**
 * Wires the admission module into the REST layer: webhook configurations and namespace labels
 * read from the store, Services resolved through their Endpoints.
 */
import { serviceUnavailable } from '../../api/meta/index.js';
import { WebhookDispatcher } from './admission/index.js';
import type { AdmissionChain } from './modules.js';
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
  return {
    async admit(req) {
      // No configuration of this phase: nothing can match (the common case; skips the dispatcher).
      if ((req.phase === 'mutating' ? mutating() : validating()).length === 0) return undefined;
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
      if (req.phase === 'mutating') return d.mutate(attrs);
      await d.validate(attrs);
      return undefined;
    },
    close: () => d.close(),
  };
}
