/**
 * AdmissionDeps over a live cluster: the cluster configuration from the KubeVirt CR, presets and
 * LimitRanges through informers (as upstream's virt-api: a VMI create costs no extra API request;
 * a feature gate switched on applies to the next request), and direct reads of VMIs and migrations.
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

/** API list order: by name, bytewise. */
function byName(a: KubeObject, b: KubeObject): number {
  const [x, y] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
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
  const presets = new Informer<VirtualMachineInstancePreset & KubeObject>(client, { path: `${KV}/virtualmachineinstancepresets`, retryMs: 1000 });
  const limitRanges = new Informer<LimitRange & KubeObject>(client, { path: '/api/v1/limitranges', retryMs: 1000 });
  /** The namespace's objects by name (a list's order) from the cache once it has listed; a direct list before that. */
  const inNamespace = <T extends KubeObject>(inf: Informer<T>, ns: string, path: string): Promise<T[]> =>
    inf.hasSynced
      ? Promise.resolve(inf.list().filter((o) => o.metadata?.namespace === ns).sort((a, b) => byName(a, b)))
      : listItems<T>(client, path);
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
    listPresets: (ns) => inNamespace(presets, ns, `${KV}/namespaces/${encodeURIComponent(ns)}/virtualmachineinstancepresets`),
    listLimitRanges: (ns) => inNamespace(limitRanges, ns, `/api/v1/namespaces/${encodeURIComponent(ns)}/limitranges`),
  };
  return {
    deps,
    ready: () => informer.hasSynced,
    start: () => {
      informer.start().then(refresh, (e: unknown) => onError?.(e));
      for (const inf of [presets, limitRanges]) inf.start().catch((e: unknown) => onError?.(e));
    },
    stop: async () => {
      await Promise.all([informer.stop(), presets.stop(), limitRanges.stop()]);
    },
  };
}
