/**
 * The objects that make the API server route subresources.kubevirt.io/v1 to virt-api: the
 * APIService (upstream's v1.subresources.kubevirt.io with its caBundle) and, for the embedded
 * cluster where virt-api is a local process, a selector-less Service with manual Endpoints.
 */
import { SUBRESOURCES_GROUP } from '../../api/kubevirt/constants.js';
import type { KubeObject } from '../../api/meta/index.js';

/** Where virt-api serves: its Service, and (embedded only) the address behind it. */
export interface ApiServiceTarget {
  readonly namespace: string;
  /** Service name; upstream's is virt-api. */
  readonly service?: string;
  /** base64 of the PEM CA that signed virt-api's serving certificate. */
  readonly caBundle: string;
  /** A fixed address (embedded cluster): Service without selector plus Endpoints. */
  readonly endpoint?: { readonly ip: string; readonly port: number };
}

/** [APIService] or [Service, Endpoints, APIService] for a fixed endpoint. */
export function apiServiceFor(t: ApiServiceTarget): KubeObject[] {
  const name = t.service ?? 'virt-api';
  const labels = { 'kubevirt.io': 'virt-api' };
  const apiService: KubeObject = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `v1.${SUBRESOURCES_GROUP}`, labels },
    spec: {
      service: { namespace: t.namespace, name, port: 443 },
      group: SUBRESOURCES_GROUP,
      version: 'v1',
      caBundle: t.caBundle,
      groupPriorityMinimum: 1000,
      versionPriority: 15,
    },
  };
  if (!t.endpoint) return [apiService];
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: t.namespace, labels },
    spec: { ports: [{ name: 'https', port: 443, targetPort: t.endpoint.port, protocol: 'TCP' }] },
  };
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: t.namespace, labels },
    subsets: [{ addresses: [{ ip: t.endpoint.ip }], ports: [{ name: 'https', port: t.endpoint.port, protocol: 'TCP' }] }],
  };
  return [service, endpoints, apiService];
}
