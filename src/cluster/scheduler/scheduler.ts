/**
 * The scheduler loop: watches pods and nodes, binds each pending pod of `default-scheduler`
 * through pods/binding, and reports pods that fit nowhere (PodScheduled=False, Unschedulable,
 * a FailedScheduling event) until a node or pod change lets them be retried.
 */
import type { KubeClient } from '../../client/kube-client.js';
import { Informer, keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { StatusError } from '../../api/meta/index.js';
import { schedule } from './schedule.js';
import type { Node, Pod } from './types.js';

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  readonly log?: (msg: string) => void;
  /** Retry unschedulable pods at least this often even without a triggering change. */
  readonly retryUnschedulableMs?: number;
}

function isPending(p: Pod): boolean {
  return !p.spec?.nodeName && !p.metadata?.deletionTimestamp && (p.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME && !['Succeeded', 'Failed'].includes(p.status?.phase ?? '');
}

export class Scheduler {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  /** Bindings made but not yet seen through the informer, so back-to-back pods see them. */
  private readonly assumed = new Map<string, Pod>();
  private readonly unschedulable = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.pods = new Informer<Pod>(client, { path: '/api/v1/pods' });
    this.nodes = new Informer<Node>(client, { path: '/api/v1/nodes' });
    this.events = new EventRecorder(client, SCHEDULER_NAME);
    this.queue = new WorkQueue((k) => this.reconcile(k), { baseDelayMs: 100, maxDelayMs: 10_000, onError: (k, e) => this.opts.log?.(`schedule ${k}: ${String(e)}`) });
  }

  async start(): Promise<void> {
    this.pods.addHandler({
      add: (p) => this.onPod(p),
      update: (_o, p) => this.onPod(p),
      delete: (p) => {
        this.assumed.delete(keyOf(p));
        this.retryUnschedulable();
      },
    });
    this.nodes.addHandler({ add: () => this.retryUnschedulable(), update: (o, n) => o !== n && this.retryUnschedulable(), delete: () => this.retryUnschedulable() });
    await Promise.all([this.nodes.start(), this.pods.start()]);
    this.retryTimer = setInterval(() => this.retryUnschedulable(), this.opts.retryUnschedulableMs ?? 30_000);
  }

  async stop(): Promise<void> {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.queue.stop();
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
  }

  private onPod(p: Pod): void {
    const key = keyOf(p);
    if (p.spec?.nodeName) {
      this.assumed.delete(key);
      this.unschedulable.delete(key);
      // A pod finishing frees resources others may be waiting for.
      if (['Succeeded', 'Failed'].includes(p.status?.phase ?? '')) this.retryUnschedulable();
      return;
    }
    if (isPending(p) && !this.unschedulable.has(key)) this.queue.add(key);
  }

  private retryUnschedulable(): void {
    for (const k of this.unschedulable) this.queue.add(k);
  }

  private placedPods(): Pod[] {
    const out = new Map<string, Pod>();
    for (const p of this.pods.list()) if (p.spec?.nodeName) out.set(keyOf(p), p);
    for (const [k, p] of this.assumed) out.set(k, p);
    return [...out.values()];
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !isPending(pod) || this.assumed.has(key)) {
      this.unschedulable.delete(key);
      return;
    }
    const decision = schedule(pod, this.nodes.list(), this.placedPods());
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    if ('node' in decision) {
      this.assumed.set(key, { ...pod, spec: { ...pod.spec, nodeName: decision.node } });
      try {
        await this.client.create(`/api/v1/namespaces/${ns}/pods/${name}/binding`, {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace: ns },
          target: { apiVersion: 'v1', kind: 'Node', name: decision.node },
        });
      } catch (e) {
        this.assumed.delete(key);
        if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return; // gone or already bound
        throw e;
      }
      this.unschedulable.delete(key);
      void this.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${decision.node}`);
      return;
    }
    const firstTime = !this.unschedulable.has(key);
    this.unschedulable.add(key);
    const cond = pod.status && (pod.status as { conditions?: { type: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled');
    if (firstTime || cond?.message !== decision.message) {
      await this.client.patch(
        `/api/v1/namespaces/${ns}/pods/${name}/status`,
        { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: decision.message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] } },
        { contentType: 'application/strategic-merge-patch+json' },
      );
      void this.events.record(pod, 'Warning', 'FailedScheduling', decision.message);
    }
  }
}
