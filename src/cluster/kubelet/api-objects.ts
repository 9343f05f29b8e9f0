/**
 * The pod worker's API calls over KubeClient: ConfigMaps, Secrets (decoded), a claim's bound
 * PV path, TokenRequest for projected service account tokens, pods/status patches and the
 * final grace-0 delete with a uid precondition. Services come from the agent's Service informer.
 */
import type { KubeClient } from '../../client/kube-client.js';
import { StatusError } from '../../api/meta/index.js';
import { ContainerConfigError } from './env.js';
import type { PodApi } from './pod-worker.js';
import type { ServiceForEnv } from './service-env.js';
import type { ServiceLister } from './service-lister.js';
import type { Pod, PodStatus } from './types.js';

async function getOrUndefined<T>(client: KubeClient, path: string): Promise<T | undefined> {
  try {
    return await client.get<T>(path);
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw e;
  }
}

const podPath = (pod: Pod): string => `/api/v1/namespaces/${pod.metadata?.namespace ?? 'default'}/pods/${pod.metadata?.name ?? ''}`;

/** PodApi backed by the API server. */
export class KubePodApi implements PodApi {
  constructor(
    private readonly client: KubeClient,
    private readonly serviceLister: Pick<ServiceLister, 'inNamespace'>,
  ) {}

  async configMap(ns: string, name: string): Promise<Record<string, string> | undefined> {
    const cm = await getOrUndefined<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(this.client, `/api/v1/namespaces/${ns}/configmaps/${name}`);
    if (!cm) return undefined;
    const bin = Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('latin1')]));
    return { ...bin, ...(cm.data ?? {}) };
  }

  async secret(ns: string, name: string): Promise<Record<string, string> | undefined> {
    const s = await getOrUndefined<{ data?: Record<string, string> }>(this.client, `/api/v1/namespaces/${ns}/secrets/${name}`);
    if (!s) return undefined;
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  async claimPath(ns: string, claim: string): Promise<string> {
    const pvc = await getOrUndefined<{ spec?: { volumeName?: string }; status?: { phase?: string } }>(this.client, `/api/v1/namespaces/${ns}/persistentvolumeclaims/${claim}`);
    if (!pvc) throw new ContainerConfigError(`persistentvolumeclaim "${claim}" not found`);
    const pvName = pvc.spec?.volumeName;
    if (!pvName || pvc.status?.phase !== 'Bound') throw new ContainerConfigError(`persistentvolumeclaim "${claim}" is not bound`);
    const pv = await getOrUndefined<{ spec?: { hostPath?: { path: string }; local?: { path: string } } }>(this.client, `/api/v1/persistentvolumes/${pvName}`);
    const path = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
    if (!path) throw new ContainerConfigError(`persistentvolume "${pvName}" has no hostPath or local path this node can mount`);
    return path;
  }

  async serviceAccountToken(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = pod.spec.serviceAccountName ?? 'default';
    const res = await this.client.create<{ status?: { token?: string } }>(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { ...(audience ? { audiences: [audience] } : {}), expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid } },
    });
    if (!res.status?.token) throw new ContainerConfigError(`TokenRequest for serviceaccount "${sa}" returned no token`);
    return res.status.token;
  }

  /** From the informer's cache: no request per pod start. */
  services(ns: string): Promise<readonly ServiceForEnv[]> {
    return Promise.resolve(this.serviceLister.inNamespace(ns));
  }

  async patchStatus(pod: Pod, status: PodStatus): Promise<void> {
    try {
      await this.client.patch(`${podPath(pod)}/status`, { status });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  async deleteFinal(pod: Pod): Promise<void> {
    try {
      await this.client.delete(podPath(pod), { body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } } });
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
    }
  }
}
