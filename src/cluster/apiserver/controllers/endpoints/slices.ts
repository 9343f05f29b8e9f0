/**
 * The discovery.k8s.io/v1 EndpointSlices kube-controller-manager's EndpointSlice controller keeps
 * for a Service with a selector: endpoints grouped by the ports they resolve to, at most 100 per
 * slice, with ready/serving/terminating conditions; an empty placeholder slice when no pod backs
 * the Service. Pure: `planSlices` says what to create, update and delete.
 */
import type { KubeObject } from '../../../../api/meta/index.js';
import { findPort, hasClusterIp, podAddress, podReady, podTerminating, serviceSpec, shouldPodBeInEndpoints, type PodRef } from './pods.js';
import { HEADLESS_LABEL, type EndpointPort } from './subsets.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const SLICE_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
/** Endpoints per slice (the controller's --max-endpoints-per-slice default). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** discovery.k8s.io/v1 Endpoint. */
export interface SliceEndpoint {
  readonly addresses: string[];
  readonly conditions: { ready: boolean; serving: boolean; terminating: boolean };
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef: PodRef;
}

/** What the controller owns in one slice. */
export interface SliceContent {
  readonly ports: EndpointPort[];
  readonly endpoints: SliceEndpoint[];
}

const portsKey = (ports: readonly EndpointPort[]): string => JSON.stringify(ports.map((p) => [p.name ?? '', p.port, p.protocol, p.appProtocol ?? '']));

/** Slice contents for a Service: one group per distinct port set, chunked; one empty slice when there is nothing. */
export function sliceContents(svc: KubeObject, pods: readonly KubeObject[]): SliceContent[] {
  const spec = serviceSpec(svc);
  const groups = new Map<string, SliceContent>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of spec.ports ?? []) {
      const port = findPort(pod, sp);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const a = podAddress(svc, pod);
    const terminating = podTerminating(pod);
    const serving = spec.publishNotReadyAddresses === true || podReady(pod);
    const ep: SliceEndpoint = {
      addresses: [a.ip],
      conditions: { ready: serving && !terminating, serving, terminating },
      ...(a.hostname ? { hostname: a.hostname } : {}),
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      targetRef: a.targetRef,
    };
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(ep);
  }
  const out: SliceContent[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const eps = [...g.endpoints].sort((x, y) => x.targetRef.name.localeCompare(y.targetRef.name));
    for (let i = 0; i < eps.length; i += MAX_ENDPOINTS_PER_SLICE) out.push({ ports: g.ports, endpoints: eps.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  }
  return out.length > 0 ? out : [{ ports: [], endpoints: [] }];
}

/** Labels of a Service's managed slices: the Service's own plus the service-name and managed-by labels. */
export function sliceLabels(svc: KubeObject): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels, [SERVICE_NAME_LABEL]: svc.metadata?.name ?? '', [SLICE_MANAGED_BY]: SLICE_CONTROLLER };
  if (!hasClusterIp(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}

/** A new slice object (generateName `<service>-`), owned by the Service. */
export function newSlice(svc: KubeObject, c: SliceContent): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name ?? ''}-`,
      namespace: svc.metadata?.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: c.endpoints,
    ports: c.ports,
  };
}

/** The plan: slices to create, existing slices to rewrite (with their new content), slices to delete. */
export interface SlicePlan {
  readonly create: KubeObject[];
  readonly update: KubeObject[];
  readonly delete: KubeObject[];
}

const contentOf = (s: KubeObject): string => JSON.stringify([s.ports ?? [], s.endpoints ?? []]);

/**
 * Matches wanted contents to existing managed slices (same port set first, then any left over) so
 * that steady state writes nothing, rewrites what changed and removes what is no longer needed.
 */
export function planSlices(svc: KubeObject, existing: readonly KubeObject[], wanted: readonly SliceContent[]): SlicePlan {
  const left = [...existing].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const labels = JSON.stringify(Object.entries(sliceLabels(svc)).sort());
  const create: KubeObject[] = [];
  const update: KubeObject[] = [];
  const pending: SliceContent[] = [];
  for (const c of wanted) {
    const i = left.findIndex((s) => portsKey((s.ports as EndpointPort[] | undefined) ?? []) === portsKey(c.ports));
    if (i < 0) pending.push(c);
    else update.push(rewrite(left.splice(i, 1)[0]!, svc, c));
  }
  for (const c of pending) {
    const reuse = left.shift();
    if (reuse) update.push(rewrite(reuse, svc, c));
    else create.push(newSlice(svc, c));
  }
  const changed = update.filter((u) => {
    const old = existing.find((e) => e.metadata?.name === u.metadata?.name);
    return !old || contentOf(old) !== contentOf(u) || JSON.stringify(Object.entries(old.metadata?.labels ?? {}).sort()) !== labels;
  });
  return { create, update: changed, delete: left };
}

function rewrite(slice: KubeObject, svc: KubeObject, c: SliceContent): KubeObject {
  return { ...slice, metadata: { ...slice.metadata, labels: sliceLabels(svc) }, endpoints: c.endpoints, ports: c.ports };
}
