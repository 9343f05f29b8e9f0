/**
 * `kubevirt-ts status`, the I/O part: reads the data dir's `up` record, then asks the API server
 * (with the admin kubeconfig, each request bounded) for what the report needs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../client/kube-client.js';
import { evaluate, type Observed, type ObservedLease, type ObservedNode, type StatusReport } from './report.js';
import { readUpRecord, upAlive } from './up-record.js';

const REQUEST_TIMEOUT_MS = 5000;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** GET that resolves to undefined on 404 and rejects otherwise. */
async function getOrNull<T>(client: KubeClient, path: string): Promise<T | null> {
  try {
    return await client.get<T>(path, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (e) {
    if ((e as { code?: number }).code === 404) return null;
    throw e;
  }
}

/** What the API server says about the cluster (all of it, or just why it could not answer). */
async function observeApi(client: KubeClient): Promise<Partial<Observed>> {
  const signal = (): AbortSignal => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const text = await client.requestText('GET', '/readyz', { signal: signal() });
    if (text.trim() !== 'ok') return { api: { ready: false, message: text.trim() } };
  } catch (e) {
    return { api: { ready: false, message: message(e) } };
  }
  const list = async <T>(path: string): Promise<T[]> => (await client.get<{ items?: T[] }>(path, { signal: signal() })).items ?? [];
  const [nodes, controllerLease, schedulerLease, apiService, vmis, vms] = await Promise.all([
    list<ObservedNode>('/api/v1/nodes'),
    getOrNull<ObservedLease>(client, '/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/virt-controller'),
    getOrNull<ObservedLease>(client, '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler'),
    getOrNull<NonNullable<Observed['apiService']>>(client, '/apis/apiregistration.k8s.io/v1/apiservices/v1.subresources.kubevirt.io'),
    list<{ status?: { phase?: string } }>('/apis/kubevirt.io/v1/virtualmachineinstances').catch(() => []),
    list<{ status?: { printableStatus?: string } }>('/apis/kubevirt.io/v1/virtualmachines').catch(() => []),
  ]);
  const virtApiHealth = await client
    .requestText('GET', '/apis/subresources.kubevirt.io/v1/healthz', { signal: signal() })
    .then((t) => ({ ok: t.trim() === 'ok', message: t.trim() }))
    .catch((e: unknown) => ({ ok: false, message: message(e) }));
  return { api: { ready: true }, nodes, controllerLease, schedulerLease, apiService, vmis, vms, virtApiHealth };
}

/** Observes the cluster of a data dir and evaluates it. */
export async function collectStatus(dataDir: string, now: () => Date = () => new Date()): Promise<StatusReport> {
  const record = readUpRecord(dataDir);
  const kubeconfig = record?.kubeconfig ?? join(dataDir, 'kubeconfig');
  const alive = record !== undefined && upAlive(record);
  let api: Partial<Observed> = {};
  if (alive && record.url && existsSync(kubeconfig)) {
    const client = await KubeClient.fromKubeconfig(kubeconfig);
    try {
      api = await observeApi(client);
    } catch (e) {
      api = { api: { ready: false, message: message(e) } };
    } finally {
      client.close();
    }
  } else if (alive) {
    api = { api: { ready: false, message: 'not listening yet' } };
  }
  return evaluate({ dataDir, kubeconfig, record, upAlive: alive, ...api, now: now() });
}
