/**
 * Wires API aggregation into the server: APIServices from the store, backends reached through
 * their Service's Endpoints with the front-proxy client certificate, and the Available condition
 * kept up to date (every 30 s and whenever an APIService, Service or Endpoints changes).
 */
import type { KubeObject } from '../../api/meta/index.js';
import type { ClusterPki } from '../pki/index.js';
import { Aggregator, aggregatedGroups, checkAvailability, isAvailable } from './aggregator/index.js';
import { resourcesFromLegacy, type RemoteGroup } from './discovery/aggregated.js';
import { resolveServiceVia } from './admission-wiring.js';
import type { Store } from './store/store.js';

const apiServicesGr = { group: 'apiregistration.k8s.io', resource: 'apiservices' };

/** The aggregator plus the availability loop; stop() ends the loop. */
export interface AggregationWiring {
  readonly aggregator: Aggregator;
  /** /apis entries of the aggregated groups. */
  groups(): Record<string, unknown>[];
  /** The aggregated groups for aggregated discovery, with the resources their backends last reported. */
  remoteGroups(): RemoteGroup[];
  stop(): void;
}

/** Starts aggregation over the store. */
export function wireAggregation(store: Store, pki: ClusterPki): AggregationWiring {
  const remote = (): KubeObject[] => store.snapshot(apiServicesGr).filter((s) => (s.spec as { service?: unknown } | undefined)?.service);
  const resolveService = resolveServiceVia(store);
  const clientCertificate = { cert: pki.frontProxyClient.certPem, key: pki.frontProxyClient.keyPem };
  const aggregator = new Aggregator({ apiServices: remote, resolveService, proxyClientCertificate: clientCertificate });
  const discovered = new Map<string, unknown>();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const check = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      const changed = await checkAvailability(remote(), {
        getService: (ns, name) => store.get({ group: '', resource: 'services' }, ns, name),
        getEndpoints: (ns, name) => store.get({ group: '', resource: 'endpoints' }, ns, name),
        resolveService,
        clientCertificate,
        onDiscovery: (gv, doc) => discovered.set(gv, doc),
      });
      for (const s of changed) {
        if (stopped) return;
        try {
          store.guaranteedUpdate(apiServicesGr, '', s.metadata?.name ?? '', (cur) => (cur.metadata?.uid === s.metadata?.uid ? { ...cur, status: s.status } : undefined));
        } catch {
          // deleted meanwhile
        }
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          check();
        }
      });
  };
  const unsubscribe = store.subscribe((ev) => {
    if (ev.resource === '/services' || ev.resource === '/endpoints') check();
    else if (ev.resource === 'apiregistration.k8s.io/apiservices' && ev.type !== 'DELETED') {
      const prevSpec = JSON.stringify(ev.prev?.spec);
      if (ev.type === 'ADDED' || prevSpec !== JSON.stringify(ev.object.spec)) check();
    }
  });
  const timer = setInterval(check, 30_000);
  timer.unref();
  check();
  return {
    aggregator,
    groups: () => aggregatedGroups(remote()),
    remoteGroups: () => {
      const services = remote();
      const available = new Set(services.filter(isAvailable).map((s) => s.metadata?.name));
      return aggregatedGroups(services).map((g) => {
        const name = String(g.name);
        const versions = (g.versions as { version: string }[]).map(({ version }) => {
          const doc = available.has(`${version}.${name}`) ? discovered.get(`${name}/${version}`) : undefined;
          return { version, ...(doc ? { resources: resourcesFromLegacy(name, version, doc) } : {}) };
        });
        return { name, versions };
      });
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}
