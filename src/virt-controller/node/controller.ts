/**
 * The node controller: watches virt-handler heartbeats on Nodes. When a node's heartbeat is
 * older than the timeout it labels the node `kubevirt.io/schedulable=false` and fails the node's
 * VMIs whose launcher pod is gone or dead with reason NodeUnresponsive (unresponsive.ts decides).
 */
import { NODE_SCHEDULABLE_LABEL, type VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { Informer } from '../../client/informer.js';
import type { ReconcileResult, WorkQueue } from '../../client/workqueue.js';
import { asError, newQueue, objectPath, PATHS, recordEvent, type ControllerDeps } from '../common.js';
import type { Node, Pod } from '../pod.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_RECHECK_MS, isNodeSchedulable, isNodeUnresponsive, NODE_UNRESPONSIVE_REASON, stuckVMIs } from './unresponsive.js';

export interface NodeControllerOptions {
  /** A heartbeat older than this makes the node unresponsive (upstream: 5 minutes). */
  readonly heartbeatTimeoutMs?: number;
  /** How often each node is checked again (upstream: 1 minute). */
  readonly recheckMs?: number;
}

export class NodeController {
  readonly queue: WorkQueue;
  private readonly nodes: Informer<Node>;
  private readonly vmis: Informer<VirtualMachineInstance>;
  private readonly pods: Informer<Pod>;
  private readonly timeoutMs: number;
  private readonly recheckMs: number;

  constructor(
    private readonly deps: ControllerDeps,
    opts: NodeControllerOptions = {},
  ) {
    this.timeoutMs = opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    this.recheckMs = opts.recheckMs ?? DEFAULT_RECHECK_MS;
    this.queue = newQueue('node', deps, (k) => this.reconcile(k), 1);
    this.nodes = deps.informers.get<Node>(PATHS.nodes);
    this.vmis = deps.informers.get<VirtualMachineInstance>(PATHS.vmis);
    this.pods = deps.informers.get<Pod>(PATHS.pods, 'kubevirt.io=virt-launcher');
    const enqueueNode = (n: Node) => this.queue.add(n.metadata.name ?? '');
    this.nodes.addHandler({ add: enqueueNode, update: (_, n) => enqueueNode(n), delete: enqueueNode });
    const enqueueVMI = (v: VirtualMachineInstance) => {
      if (v.status?.nodeName) this.queue.add(v.status.nodeName);
    };
    this.vmis.addHandler({ add: enqueueVMI, update: (_, v) => enqueueVMI(v) });
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const node = this.nodes.get(name);
    if (isNodeUnresponsive(node, this.timeoutMs, this.deps.now())) {
      if (node && isNodeSchedulable(node)) await this.markUnschedulable(node);
      await this.failStuckVMIs(name);
    }
    return node ? { requeueAfterMs: this.recheckMs } : undefined;
  }

  private async markUnschedulable(node: Node): Promise<void> {
    recordEvent(this.deps, node, 'Normal', NODE_UNRESPONSIVE_REASON, 'virt-handler is not responsive, marking node as unresponsive');
    await this.deps.client.patch(`${PATHS.nodes}/${node.metadata.name ?? ''}`, { metadata: { labels: { [NODE_SCHEDULABLE_LABEL]: 'false' } } });
    this.deps.log.info('node unresponsive: marked unschedulable', { node: node.metadata.name });
  }

  /** One VMI at a time (no update storm when something is already wrong); the first error is rethrown. */
  private async failStuckVMIs(nodeName: string): Promise<void> {
    let first: unknown;
    for (const vmi of stuckVMIs(nodeName, this.vmis.list(), this.pods.list())) {
      try {
        recordEvent(this.deps, vmi, 'Normal', NODE_UNRESPONSIVE_REASON, `virt-handler on node ${nodeName} is not responsive, marking VMI as failed`);
        const path = objectPath(PATHS.vmis, vmi.metadata?.namespace ?? 'default', vmi.metadata?.name ?? '');
        await this.deps.client.patch(path, [
          { op: 'test', path: '/metadata/uid', value: vmi.metadata?.uid },
          { op: 'replace', path: '/status/phase', value: 'Failed' },
          { op: 'add', path: '/status/reason', value: NODE_UNRESPONSIVE_REASON },
        ]);
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw asError(first);
  }

  run(): void {
    for (const n of this.nodes.list()) this.queue.add(n.metadata.name ?? '');
  }

  stop(): void {
    this.queue.stop();
  }
}
