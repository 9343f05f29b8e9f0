/**
 * The APIService Available condition as kube-aggregator's availability controller sets it: a
 * probe (Service, Endpoints, discovery GET through the proxy path) and a pure function turning
 * the probe's result into the condition.
 */
import type { Condition, KubeObject } from '../../../api/meta/index.js';
import { serviceServerName, type ServiceResolver } from '../admission/call.js';
import { backendTarget, specOf } from './apiservice.js';
import { proxyGet, type ClientCertificate } from './proxy.js';

/** What one availability probe found. */
export type ProbeResult =
  | { readonly kind: 'local' }
  | { readonly kind: 'service-not-found' }
  | { readonly kind: 'service-port-missing'; readonly port: number }
  | { readonly kind: 'endpoints-not-found' }
  | { readonly kind: 'missing-endpoints'; readonly portName: string }
  | { readonly kind: 'discovery-failed'; readonly url: string; readonly error: string }
  | { readonly kind: 'passed'; readonly discovery?: unknown };

/** The Available condition for a probe result; lastTransitionTime kept while the status stays the same. */
export function availableCondition(apiService: KubeObject, probe: ProbeResult, now: Date = new Date()): Condition {
  const svc = specOf(apiService).service;
  const name = svc?.name ?? '';
  const ns = svc?.namespace ?? '';
  const [status, reason, message] = ((): [Condition['status'], string, string] => {
    switch (probe.kind) {
      case 'local':
        return ['True', 'Local', 'Local APIServices are always available'];
      case 'passed':
        return ['True', 'Passed', 'all checks passed'];
      case 'service-not-found':
        return ['False', 'ServiceNotFound', `service/${name} in "${ns}" is not present`];
      case 'service-port-missing':
        return ['False', 'ServicePortError', `service/${name} in "${ns}" is not listening on port ${probe.port}`];
      case 'endpoints-not-found':
        return ['False', 'EndpointsNotFound', `cannot find endpoints for service/${name} in "${ns}"`];
      case 'missing-endpoints':
        return ['False', 'MissingEndpoints', `endpoints for service/${name} in "${ns}" have no addresses with port name "${probe.portName}"`];
      case 'discovery-failed':
        return ['False', 'FailedDiscoveryCheck', `failing or missing response from ${probe.url}: ${probe.error}`];
    }
  })();
  const previous = ((apiService.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Available');
  const lastTransitionTime =
    previous && previous.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type: 'Available', status, lastTransitionTime, reason, message };
}

/** The APIService with its Available condition replaced (other conditions kept). */
export function withAvailableCondition(apiService: KubeObject, condition: Condition): KubeObject {
  const status = (apiService.status ?? {}) as { conditions?: Condition[] };
  const others = (status.conditions ?? []).filter((c) => c.type !== 'Available');
  return { ...apiService, status: { ...status, conditions: [...others, condition] } };
}

interface ServicePort {
  name?: string;
  port?: number;
}
interface EndpointSubset {
  addresses?: unknown[];
  ports?: { name?: string }[];
}

export interface ProbeDeps {
  /** The Service object, or undefined when it does not exist. */
  readonly getService: (namespace: string, name: string) => KubeObject | undefined | Promise<KubeObject | undefined>;
  /** The Endpoints object, or undefined when it does not exist. */
  readonly getEndpoints: (namespace: string, name: string) => KubeObject | undefined | Promise<KubeObject | undefined>;
  readonly resolveService: ServiceResolver;
  readonly clientCertificate: ClientCertificate;
  /** Default 5000, as upstream. */
  readonly timeoutMs?: number;
  /** Hears each backend's discovery document (APIResourceList) or its absence, for aggregated discovery. */
  readonly onDiscovery?: (groupVersion: string, doc: unknown) => void;
}

/** Whether the Available condition changed in status, reason or message (only then is a status write due). */
export function availabilityChanged(apiService: KubeObject, next: Condition): boolean {
  const prev = ((apiService.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Available');
  return !prev || prev.status !== next.status || prev.reason !== next.reason || prev.message !== next.message;
}

/**
 * Probes every APIService and returns those whose Available condition changed, with the new
 * condition set, for the caller to write through the status subresource. Run it periodically
 * (kube-aggregator re-checks every 30 s) and when APIServices, Services or Endpoints change.
 */
export async function checkAvailability(apiServices: readonly KubeObject[], deps: ProbeDeps, now: () => Date = () => new Date()): Promise<KubeObject[]> {
  const results = await Promise.all(apiServices.map(async (s) => ({ s, probe: await probeAPIService(s, deps) })));
  const changed: KubeObject[] = [];
  for (const { s, probe } of results) {
    const cond = availableCondition(s, probe, now());
    if (availabilityChanged(s, cond)) changed.push(withAvailableCondition(s, cond));
  }
  return changed;
}

/** Runs kube-aggregator's checks for one APIService: Service and port, ready endpoints, then `GET /apis/<group>/<version>`. */
export async function probeAPIService(apiService: KubeObject, deps: ProbeDeps): Promise<ProbeResult> {
  const spec = specOf(apiService);
  const svc = spec.service;
  if (!svc) return { kind: 'local' };
  const port = svc.port ?? 443;
  const service = await deps.getService(svc.namespace, svc.name);
  if (!service) return { kind: 'service-not-found' };
  const serviceSpec = (service.spec ?? {}) as { type?: string; ports?: ServicePort[] };
  if (serviceSpec.type !== 'ExternalName') {
    const servicePort = (serviceSpec.ports ?? []).find((p) => p.port === port);
    if (!servicePort) return { kind: 'service-port-missing', port };
    const endpoints = await deps.getEndpoints(svc.namespace, svc.name);
    if (!endpoints) return { kind: 'endpoints-not-found' };
    const portName = servicePort.name ?? '';
    const subsets = (endpoints.subsets ?? []) as EndpointSubset[];
    const ready = subsets.some((s) => (s.addresses ?? []).length > 0 && (s.ports ?? []).some((p) => (p.name ?? '') === portName));
    if (!ready) return { kind: 'missing-endpoints', portName };
  }
  const path = `/apis/${spec.group}/${spec.version}`;
  const url = `https://${serviceServerName(svc.namespace, svc.name)}:${port}${path}`;
  let body: string;
  try {
    const target = await deps.resolveService(svc.namespace, svc.name, port);
    body = await proxyGet(backendTarget(apiService, target), deps.clientCertificate, path, deps.timeoutMs ?? 5000, url);
  } catch (err) {
    deps.onDiscovery?.(`${spec.group}/${spec.version}`, undefined);
    return { kind: 'discovery-failed', url, error: err instanceof Error ? err.message : String(err) };
  }
  let discovery: unknown;
  try {
    discovery = JSON.parse(body) as unknown;
  } catch {
    discovery = undefined;
  }
  deps.onDiscovery?.(`${spec.group}/${spec.version}`, discovery);
  return { kind: 'passed', discovery };
}
