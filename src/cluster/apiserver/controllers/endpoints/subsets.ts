/**
 * The Endpoints object kube-controller-manager's endpoints controller keeps for a Service with a
 * selector: one address per backing pod (ready ones in `addresses`, others in
 * `notReadyAddresses`), per Service port the port its targetPort resolves to on that pod, packed
 * into subsets of addresses that share the same ports. Pure.
 */
import type { KubeObject } from '../../../../api/meta/index.js';
import { findPort, hasClusterIp, podAddress, podReady, serviceSpec, shouldPodBeInEndpoints, type EndpointAddress } from './pods.js';

/** core/v1 EndpointPort. */
export interface EndpointPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
  readonly appProtocol?: string;
}

/** core/v1 EndpointSubset. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** Labels and annotation keys of managed Endpoints. */
export const ENDPOINTS_MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER = 'endpoint-controller';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** Endpoints hold at most this many addresses; beyond it they are truncated and annotated. */
export const MAX_ENDPOINTS = 1000;
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

const portKey = (p: EndpointPort): string => `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol}\u0000${p.appProtocol ?? ''}`;
const addressKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef.uid}`;
const byAddress = (a: EndpointAddress, b: EndpointAddress): number => (a.ip === b.ip ? a.targetRef.uid.localeCompare(b.targetRef.uid) : compareIp(a.ip, b.ip));

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}

interface Entry {
  readonly address: EndpointAddress;
  readonly ready: boolean;
  readonly port?: EndpointPort;
}

/** The (address, readiness, port) entries of a Service's pods, before packing. */
export function endpointEntries(svc: KubeObject, pods: readonly KubeObject[]): Entry[] {
  const spec = serviceSpec(svc);
  const tolerate = spec.publishNotReadyAddresses === true;
  const out: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const address = podAddress(svc, pod);
    const ready = tolerate || podReady(pod);
    const ports = spec.ports ?? [];
    if (ports.length === 0) {
      if (spec.clusterIP === 'None') out.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      out.push({ address, ready, port: { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) } });
    }
  }
  return out;
}

/**
 * Packs entries into subsets as RepackSubsets does: each address gets the set of its ports, and
 * addresses with identical port sets share a subset; ready wins over not ready for one address and
 * port. Subsets, addresses and ports come out sorted so equal inputs give equal objects.
 */
export function repackSubsets(entries: readonly Entry[]): EndpointSubset[] {
  const perAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const e of entries) {
    const k = `${addressKey(e.address)}\u0000${e.ready ? 'r' : 'n'}`;
    let a = perAddress.get(k);
    if (!a) perAddress.set(k, (a = { address: e.address, ready: e.ready, ports: new Map() }));
    if (e.port) a.ports.set(portKey(e.port), e.port);
  }
  // An address ready for a port is not also listed as not ready for it.
  for (const [k, a] of perAddress) {
    if (a.ready) continue;
    const ready = perAddress.get(`${addressKey(a.address)}\u0000r`);
    if (!ready) continue;
    for (const pk of ready.ports.keys()) a.ports.delete(pk);
    if (a.ports.size === 0 && ready.ports.size > 0) perAddress.delete(k);
  }
  const subsets = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const a of perAddress.values()) {
    const ports = [...a.ports.values()].sort((x, y) => portKey(x).localeCompare(portKey(y)));
    const key = ports.map(portKey).join('\u0001');
    let s = subsets.get(key);
    if (!s) subsets.set(key, (s = { ports, ready: [], notReady: [] }));
    (a.ready ? s.ready : s.notReady).push(a.address);
  }
  return [...subsets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, s]) => ({
      ...(s.ready.length > 0 ? { addresses: s.ready.sort(byAddress) } : {}),
      ...(s.notReady.length > 0 ? { notReadyAddresses: s.notReady.sort(byAddress) } : {}),
      ...(s.ports.length > 0 ? { ports: s.ports } : {}),
    }));
}

/** Truncates to MAX_ENDPOINTS addresses, ready ones first; true when something was dropped. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let left = MAX_ENDPOINTS;
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= MAX_ENDPOINTS) return false;
  for (const s of subsets) {
    if (s.addresses) s.addresses = s.addresses.slice(0, Math.max(0, left));
    left -= s.addresses?.length ?? 0;
  }
  for (const s of subsets) {
    if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, Math.max(0, left));
    left -= s.notReadyAddresses?.length ?? 0;
  }
  return true;
}

/** The subsets of a Service's Endpoints given the pods its selector matches. */
export function endpointSubsets(svc: KubeObject, pods: readonly KubeObject[]): EndpointSubset[] {
  return repackSubsets(endpointEntries(svc, pods));
}

/**
 * The Endpoints object for a Service: subsets, the Service's labels plus the managed-by label (and
 * the headless label when the Service has no cluster IP), the over-capacity annotation when
 * truncated. `current` keeps its other annotations and metadata.
 */
export function desiredEndpoints(svc: KubeObject, pods: readonly KubeObject[], current?: KubeObject): KubeObject {
  const subsets = endpointSubsets(svc, pods);
  const annotations: Record<string, string> = { ...current?.metadata?.annotations };
  if (truncateSubsets(subsets)) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];
  const labels: Record<string, string> = { ...svc.metadata?.labels, [ENDPOINTS_MANAGED_BY]: ENDPOINTS_CONTROLLER };
  if (!hasClusterIp(svc)) labels[HEADLESS_LABEL] = '';
  const meta = { ...current?.metadata, name: svc.metadata?.name, namespace: svc.metadata?.namespace, labels };
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets };
}

/** True when two Endpoints agree on what the controller owns (subsets, labels, capacity annotation). */
export function sameEndpoints(a: KubeObject, b: KubeObject): boolean {
  const pick = (o: KubeObject): string =>
    JSON.stringify([(o.subsets as unknown[] | undefined) ?? [], sortedEntries(o.metadata?.labels), o.metadata?.annotations?.[OVER_CAPACITY] ?? '']);
  return pick(a) === pick(b);
}

function sortedEntries(r: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b));
}
