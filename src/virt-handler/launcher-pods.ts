/**
 * The launcher pods on this node, from a pod informer (label kubevirt.io=virt-launcher, field
 * spec.nodeName), so a reconcile reads its VMI's pod from memory instead of listing pods from the
 * API server each time. A VMI whose pod is not in the cache (not bound here, informer behind, or
 * gone) is looked up with a GET, so "the launcher pod is gone" is never concluded from a stale cache.
 */
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import type { KubeClient } from '../client/kube-client.js';
import { Informer } from '../client/informer.js';
import type { StatusInputs } from './status.js';

/** What the launcher pod tells the handler (IP, QoS, image, liveness). */
export interface LauncherPodInfo {
  readonly alive: boolean;
  /** Not alive because the pod ended (Failed/Succeeded), not because none was found. */
  readonly final?: boolean;
  readonly uid?: string;
  readonly podIP?: string;
  readonly podIPs?: readonly string[];
  readonly qosClass?: StatusInputs['qosClass'];
  readonly image?: string;
}

/** The fields of a launcher pod the handler reads. */
export interface LauncherPodObject {
  readonly metadata?: {
    readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { readonly kind: string; readonly name: string; readonly controller?: boolean }[];
  };
  readonly spec?: { readonly containers?: readonly { readonly name: string; readonly image?: string }[] };
  readonly status?: { readonly phase?: string; readonly podIP?: string; readonly podIPs?: readonly { readonly ip: string }[]; readonly qosClass?: string };
}

const CREATED_BY = 'kubevirt.io/created-by';
const final = (p: LauncherPodObject): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

/** The handler's view of one live pod, or not alive when `pods` holds no live one. */
export function podInfo(pods: readonly LauncherPodObject[]): LauncherPodInfo {
  const pod = pods.find((p) => !final(p));
  if (!pod) return { alive: false, final: pods.length > 0 };
  return {
    alive: true,
    uid: pod.metadata?.uid,
    podIP: pod.status?.podIP,
    podIPs: pod.status?.podIPs?.map((p) => p.ip),
    qosClass: pod.status?.qosClass as StatusInputs['qosClass'],
    image: pod.spec?.containers?.find((c) => c.name === 'compute')?.image,
  };
}

/** Reads the VMI's launcher pod from the API (label kubevirt.io/created-by=<vmi uid>). */
export async function launcherPod(client: KubeClient, vmi: VirtualMachineInstance): Promise<LauncherPodInfo> {
  const ns = vmi.metadata?.namespace ?? 'default';
  const list = await client.get<{ items: LauncherPodObject[] }>(`/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: `${CREATED_BY}=${vmi.metadata?.uid ?? ''}` } });
  return podInfo(list.items);
}

/** `namespace/name` of the VMI that owns a launcher pod, if any. */
export function ownerKey(pod: LauncherPodObject): string | undefined {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'VirtualMachineInstance');
  return ref ? `${pod.metadata?.namespace ?? 'default'}/${ref.name}` : undefined;
}

/** True when a pod change matters to its VMI's status or liveness. */
export function podChanged(a: LauncherPodObject, b: LauncherPodObject): boolean {
  return a.status?.phase !== b.status?.phase || a.status?.podIP !== b.status?.podIP || a.status?.qosClass !== b.status?.qosClass;
}

/** The launcher pods on one node, cached; `onChange(vmiKey)` when one appears, changes or goes. */
export class LauncherPods {
  private readonly informer: Informer;

  constructor(private readonly client: KubeClient, nodeName: string, onChange: (vmiKey: string) => void) {
    this.informer = new Informer(client, {
      path: '/api/v1/pods', labelSelector: 'kubevirt.io=virt-launcher', fieldSelector: `spec.nodeName=${nodeName}`,
    });
    const notify = (p: LauncherPodObject): void => {
      const key = ownerKey(p);
      if (key) onChange(key);
    };
    this.informer.addHandler({
      add: notify,
      update: (o, n) => { if (podChanged(o, n)) notify(n); },
      delete: notify,
    });
  }

  /** Lists and watches; resolves once the first list is cached. */
  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** The VMI's live launcher pod from the cache, else from the API. */
  async get(vmi: VirtualMachineInstance): Promise<LauncherPodInfo> {
    const uid = vmi.metadata?.uid;
    const ns = vmi.metadata?.namespace ?? 'default';
    const cached = uid ? this.informer.list().filter((p: LauncherPodObject) => p.metadata?.namespace === ns && p.metadata.labels?.[CREATED_BY] === uid) : [];
    const info = podInfo(cached);
    return info.alive ? info : launcherPod(this.client, vmi);
  }
}
