/**
 * The node lifecycle part of kube-controller-manager that `up` needs: a node whose agent stopped
 * renewing its Lease (and posting status) for longer than the grace period gets its conditions set
 * to Unknown ("Kubelet stopped posting node status.") and the `node.kubernetes.io/unreachable`
 * taints; both are undone once the agent posts Ready again.
 */
import type { KubeClient } from '../client/kube-client.js';
import type { Node, NodeCondition } from './kubelet/types.js';

export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
/** kube-controller-manager's --node-monitor-grace-period default. */
export const NODE_MONITOR_GRACE_MS = 50_000;

interface Taint {
  readonly key: string;
  readonly effect: string;
  readonly timeAdded?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The latest sign of life: the Lease's renewTime or the Ready condition's heartbeat. */
function lastSeenMs(node: Node, leaseRenewTime: string | undefined): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return Math.max(Date.parse(leaseRenewTime ?? '') || 0, Date.parse(ready?.lastHeartbeatTime ?? '') || 0, Date.parse(node.metadata?.creationTimestamp ?? '') || 0);
}

/** What to change on a node at `nowMs` (pure): its conditions and taints, or undefined for nothing. */
export function nodeHealthUpdate(node: Node, leaseRenewTime: string | undefined, nowMs: number, graceMs = NODE_MONITOR_GRACE_MS): { conditions?: NodeCondition[]; taints?: Taint[] } | undefined {
  const taints = (node.spec?.taints ?? []) as Taint[];
  const tainted = taints.some((t) => t.key === UNREACHABLE_TAINT);
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (nowMs - lastSeenMs(node, leaseRenewTime) <= graceMs) {
    // Alive: lift the taints once the agent reports Ready again.
    return tainted && ready?.status === 'True' ? { taints: taints.filter((t) => t.key !== UNREACHABLE_TAINT) } : undefined;
  }
  if (ready?.status === 'Unknown' && tainted) return undefined;
  const now = iso(nowMs);
  const unknown = (conditions.length ? conditions : [{ type: 'Ready', status: 'Unknown', reason: '', message: '', lastHeartbeatTime: now, lastTransitionTime: now } satisfies NodeCondition]).map(
    (c): NodeCondition => (c.status === 'Unknown' ? c : { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }),
  );
  return {
    conditions: unknown,
    taints: tainted ? taints : [...taints, { key: UNREACHABLE_TAINT, effect: 'NoSchedule', timeAdded: now }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: now }],
  };
}

/** Checks every node each `periodMs` (kube-controller-manager: --node-monitor-period 5 s). */
export class NodeLifecycleController {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly o: { graceMs?: number; periodMs?: number; log?: (msg: string) => void } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.check().catch((e: unknown) => this.o.log?.(`node lifecycle: ${String(e)}`));
    }, this.o.periodMs ?? 5000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over all nodes. */
  async check(nowMs = Date.now()): Promise<void> {
    const nodes = await this.client.get<{ items: Node[] }>('/api/v1/nodes');
    const leases = await this.client.get<{ items: { metadata?: { name?: string }; spec?: { renewTime?: string } }[] }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
    const renewed = new Map(leases.items.map((l) => [l.metadata?.name ?? '', l.spec?.renewTime]));
    for (const node of nodes.items) {
      const name = node.metadata?.name ?? '';
      const u = nodeHealthUpdate(node, renewed.get(name), nowMs, this.o.graceMs);
      if (!u) continue;
      if (u.conditions) {
        await this.client.patch(`/api/v1/nodes/${name}/status`, { status: { conditions: u.conditions } });
        this.o.log?.(`node lifecycle: node ${name} stopped posting status; conditions Unknown`);
      }
      if (u.taints) await this.client.patch(`/api/v1/nodes/${name}`, { spec: { taints: u.taints } });
    }
  }
}
