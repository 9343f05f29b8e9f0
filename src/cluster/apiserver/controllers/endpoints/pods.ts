/**
 * What the endpoints and EndpointSlice controllers read from pods and Services: which pods back a
 * Service, each pod's address, and the container port a Service port's targetPort resolves to
 * (kube-controller-manager's ShouldPodBeInEndpoints, FindPort and podToEndpointAddressForService).
 */
import type { KubeObject } from '../../../../api/meta/index.js';
import { podReady } from '../disruption.js';

/** core/v1 ServicePort, the fields the controllers use. */
export interface ServicePort {
  readonly name?: string;
  readonly protocol?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly appProtocol?: string;
}

/** core/v1 ServiceSpec, the fields the controllers use. */
export interface ServiceSpec {
  readonly type?: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly clusterIP?: string;
  readonly ports?: readonly ServicePort[];
  readonly publishNotReadyAddresses?: boolean;
}

/** core/v1 ObjectReference to a pod, as endpoints carry it. */
export interface PodRef {
  readonly kind: 'Pod';
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** core/v1 EndpointAddress. */
export interface EndpointAddress {
  readonly ip: string;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef: PodRef;
}

/** The spec of a Service object. */
export const serviceSpec = (svc: KubeObject): ServiceSpec => (svc.spec ?? {});

/** True when the Service has a cluster IP (not headless, not ExternalName). */
export function hasClusterIp(svc: KubeObject): boolean {
  const ip = serviceSpec(svc).clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

interface PodShape {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { ports?: { name?: string; containerPort?: number; protocol?: string }[] }[];
    initContainers?: { restartPolicy?: string; ports?: { name?: string; containerPort?: number; protocol?: string }[] }[];
  };
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[] };
}

/** The pod's primary IP (first of status.podIPs, else status.podIP), or ''. */
export function podIp(pod: KubeObject): string {
  const s = (pod as PodShape).status;
  return s?.podIPs?.[0]?.ip ?? s?.podIP ?? '';
}

/** True when the pod is being deleted. */
export const podTerminating = (pod: KubeObject): boolean => pod.metadata?.deletionTimestamp !== undefined;

/** Ready condition True (re-exported for the controllers). */
export { podReady };

/**
 * Whether a pod contributes an endpoint: it has an IP, is not terminal (Succeeded/Failed), and is
 * not being deleted unless terminating pods are included.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  const phase = (pod as PodShape).status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (podIp(pod) === '') return false;
  return includeTerminating || !podTerminating(pod);
}

/**
 * The port a Service port reaches on a pod: a numeric targetPort as is, a named one looked up among
 * the containers' (and restartable init containers') ports with the same protocol; undefined when
 * no container declares it (upstream: "no suitable port for manifest").
 */
export function findPort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  const spec = (pod as PodShape).spec;
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol && p.containerPort !== undefined) return p.containerPort;
    }
  }
  return undefined;
}

/** The endpoint address of a pod for a Service (hostname only when the pod's subdomain names the Service). */
export function podAddress(svc: KubeObject, pod: KubeObject): EndpointAddress {
  const spec = (pod as PodShape).spec;
  const meta = pod.metadata ?? {};
  const hostname = spec?.hostname && spec.subdomain === svc.metadata?.name && meta.namespace === svc.metadata?.namespace ? spec.hostname : undefined;
  return {
    ip: podIp(pod),
    ...(hostname ? { hostname } : {}),
    ...(spec?.nodeName ? { nodeName: spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' },
  };
}

/** True when every selector label matches (an empty selector matches every pod, as labels.Set does). */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
