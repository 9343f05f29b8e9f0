/**
 * AdmissionDeps over a live cluster: the cluster configuration from the KubeVirt CR through an
 * informer (a feature gate switched on applies to the next request), and direct reads of VMIs,
 * migrations, presets and LimitRanges when a request needs them.
 */
import type { KubeObject } from '../api/meta/index.js';
import { StatusError } from '../api/meta/index.js';
import type { KubeVirt } from '../api/kubevirt/kubevirt-cr.js';
import type { VirtualMachineInstance } from '../api/kubevirt/vmi.js';
import type { VirtualMachineInstanceMigration } from '../api/kubevirt/migration.js';
import type { VirtualMachineInstancePreset } from '../api/kubevirt/preset.js';
import { clusterConfigFromKubeVirt, type ClusterConfig, type LimitRange } from '../api/kubevirt/defaults/index.js';
import type { KubeClient } from '../client/kube-client.js';
import { Informer } from '../client/informer.js';
import type { AdmissionDeps } from './handlers.js';

const KV = '/apis/kubevirt.io/v1';

/** Upstream's choice when several KubeVirt CRs exist: the oldest one not being deleted. */
function activeKubeVirt(list: readonly KubeVirt[]): KubeVirt | undefined {
  return [...list]
    .filter((kv) => !kv.metadata?.deletionTimestamp)
    .sort((a, b) => String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')))[0];
}

async function listItems<T>(client: KubeClient, path: string, query?: Record<string, string>): Promise<T[]> {
  try {
    return (await client.get<{ items?: T[] }>(path, query ? { query } : {})).items ?? [];
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return [];
    throw e;
  }
}

export interface ClusterDeps {
  readonly deps: AdmissionDeps;
  /** True once the KubeVirt CR informer has listed (readiness). */
  readonly ready: () => boolean;
  /** Starts the informer in the background; resolves at once. */
  readonly start: () => void;
  readonly stop: () => Promise<void>;
}

/** AdmissionDeps reading `client`; `kubevirtServiceAccounts` are the usernames of kubevirt-ts's components. */
export function clusterDeps(client: KubeClient, kubevirtServiceAccounts: readonly string[], onError?: (err: unknown) => void): ClusterDeps {
  const informer = new Informer<KubeVirt & KubeObject>(client, { path: `${KV}/kubevirts`, retryMs: 1000 });
  let config: ClusterConfig = clusterConfigFromKubeVirt(undefined);
  const refresh = () => {
    config = clusterConfigFromKubeVirt(activeKubeVirt(informer.list()));
  };
  informer.addHandler({ add: refresh, update: refresh, delete: refresh });
  const deps: AdmissionDeps = {
    config: () => config,
    kubevirtServiceAccounts,
    getVMI: async (ns, name) => {
      try {
        return await client.get<VirtualMachineInstance>(`${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachineinstances/${encodeURIComponent(name)}`);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) return undefined;
        throw e;
      }
    },
    listMigrations: (ns, vmiName) =>
      listItems<VirtualMachineInstanceMigration>(client, `${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachineinstancemigrations`, { labelSelector: `kubevirt.io/vmi-name=${vmiName}` }),
    listPresets: (ns) => listItems<VirtualMachineInstancePreset>(client, `${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachineinstancepresets`),
    listLimitRanges: (ns) => listItems<LimitRange>(client, `/api/v1/namespaces/${encodeURIComponent(ns)}/limitranges`),
  };
  return {
    deps,
    ready: () => informer.hasSynced,
    start: () => {
      informer.start().then(refresh, (e: unknown) => onError?.(e));
    },
    stop: () => informer.stop(),
  };
}
