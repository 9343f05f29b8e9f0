/**
 * Registers the Node and keeps it alive: creates the Node if missing, patches the status fields
 * the agent owns (a merge patch, so extended resources others added stay), and renews the
 * node's Lease in kube-node-lease every 10 s with a NodeReady heartbeat.
 */
import type { KubeClient } from '../../client/kube-client.js';
import { StatusError } from '../../api/meta/index.js';
import { metaTime, microTime, newNode, nodeLease, ownedNodeStatus, type NodeIdentity } from './node-object.js';
import type { Node } from './types.js';

export const HEARTBEAT_MS = 10_000;

export class NodeRegistrar {
  private timer: NodeJS.Timeout | undefined;
  private nodeUid: string | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly id: NodeIdentity,
    private readonly capacity: Record<string, string>,
    private readonly log: (msg: string) => void = () => {},
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  /** Registers (or re-registers) the node, then heartbeats until stop(). */
  async start(): Promise<void> {
    await this.register();
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.beating = this.heartbeat().catch((e: unknown) => this.log(`heartbeat: ${String(e)}`));
    }, this.heartbeatMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
  }

  private get nodePath(): string {
    return `/api/v1/nodes/${this.id.name}`;
  }

  private async register(): Promise<void> {
    try {
      const n = await this.client.get<Node>(this.nodePath);
      this.nodeUid = n.metadata?.uid;
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
      const created = await this.client.create<Node>('/api/v1/nodes', newNode(this.id, this.capacity, metaTime(new Date())));
      this.nodeUid = created.metadata?.uid;
    }
  }

  /** One heartbeat: node status (owned fields) and the Lease. */
  async heartbeat(): Promise<void> {
    const current = await this.client.get<Node>(this.nodePath);
    const status = ownedNodeStatus(this.id, this.capacity, current.status, metaTime(new Date()));
    await this.client.patch(`${this.nodePath}/status`, { status });
    await this.renewLease();
  }

  private async renewLease(): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.id.name}`;
    const now = microTime(new Date());
    try {
      await this.client.patch(path, { spec: { holderIdentity: this.id.name, renewTime: now } });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
      await this.client.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', nodeLease(this.id.name, this.nodeUid, now));
    }
  }
}
