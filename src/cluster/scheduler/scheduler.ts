/**
 * The scheduler loop: watches pods and nodes, binds each pending pod of `default-scheduler`
 * through pods/binding, and reports pods that fit nowhere (PodScheduled=False, Unschedulable,
 * a FailedScheduling event) until a node or pod change lets them be retried. Pods with
 * WaitForFirstConsumer claims get their node written on the claims first and are bound once
 * the claims are Bound (volume-binding.ts).
 * As kube-scheduler: the scheduling cycle decides synchronously against the cache (cache.ts),
 * assumes the pod on its node, and moves on; the binding cycle (the pods/binding POST) runs in
 * the background, many at once. A failed bind forgets the assumption and retries with back-off.
 */
import type { KubeClient } from '../../client/kube-client.js';
import { Informer, keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { StatusError } from '../../api/meta/index.js';
import { schedule, unschedulableMessage } from './schedule.js';
import type { Node, Pod } from './types.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../storage/types.js';
import { SELECTED_NODE_ANNOTATION } from '../storage/types.js';
import { checkPodClaims, claimsToSelect, podClaimNames, volumeConflict, type StorageView } from './volume-binding.js';
import { SchedulerCache } from './cache.js';

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  readonly log?: (msg: string) => void;
  /** Retry unschedulable pods at least this often even without a triggering change. */
  readonly retryUnschedulableMs?: number;
  /** How long PreBind waits for a pod's claims to bind (kube-scheduler's bindTimeoutSeconds: 600 s). */
  readonly bindTimeoutMs?: number;
  /** How long a bound pod may stay unseen by the informer before its assumption is dropped (cache.ts). */
  readonly assumedTtlMs?: number;
  /** How often expired assumptions are looked for (kube-scheduler's cleanAssumedPeriod: 1 s). */
  readonly cleanupPeriodMs?: number;
  /** Retry delays after failed binds: podInitialBackoffSeconds (1 s) doubling to podMaxBackoffSeconds (10 s). */
  readonly bindBackoffMs?: { readonly initial: number; readonly max: number };
  /**
   * Binds in flight at once (8). Each concurrent request beyond the client's idle keep-alive
   * connections opens a new TLS connection, whose handshake costs 4-10 times a request on a
   * busy `up` process; a few connections reused back to back bind a burst sooner.
   */
  readonly maxBindsInFlight?: number;
  readonly now?: () => number;
}

/** kube-scheduler's FailedScheduling message when the claims did not bind within the bind timeout. */
export const BIND_TIMEOUT_MESSAGE = 'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition';
const BIND_TIMEOUT_MS = 600_000;
/** Before the next attempt after a bind timeout (the scheduling queue's back-off). */
const BIND_RETRY_MS = 10_000;
const BIND_BACKOFF = { initial: 1_000, max: 10_000 };

/** The scheduling queue's back-off before attempt `failures + 1`: initial * 2^(failures-1), at most max. */
export function backoffMs(failures: number, b: { readonly initial: number; readonly max: number } = BIND_BACKOFF): number {
  return Math.min(b.initial * 2 ** Math.max(0, failures - 1), b.max);
}

function isPending(p: Pod): boolean {
  return !p.spec?.nodeName && !p.metadata?.deletionTimestamp && (p.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME && !['Succeeded', 'Failed'].includes(p.status?.phase ?? '');
}

export class Scheduler {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  /** Nodes and placed pods, including assumed ones whose binds are in flight or not yet seen. */
  private readonly cache: SchedulerCache;
  /** Failed binds per pod, for the back-off. */
  private readonly bindFailures = new Map<string, number>();
  private readonly unschedulable = new Set<string>();
  /** When each pod's PreBind wait for its claims began. */
  private readonly preBindSince = new Map<string, number>();
  private retryTimer: NodeJS.Timeout | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private bindsInFlight = 0;
  /** Binds waiting for a slot, oldest first. */
  private readonly bindWaiters: (() => void)[] = [];
  /** Events are written one at a time, in order, as client-go's broadcaster does (one connection, not one each). */
  private eventChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.pods = new Informer<Pod>(client, { path: '/api/v1/pods' });
    this.nodes = new Informer<Node>(client, { path: '/api/v1/nodes' });
    this.claims = new Informer<PersistentVolumeClaim>(client, { path: '/api/v1/persistentvolumeclaims' });
    this.volumes = new Informer<PersistentVolume>(client, { path: '/api/v1/persistentvolumes' });
    this.classes = new Informer<StorageClass>(client, { path: '/apis/storage.k8s.io/v1/storageclasses' });
    this.events = new EventRecorder(client, SCHEDULER_NAME);
    this.cache = new SchedulerCache({ ...(opts.assumedTtlMs !== undefined ? { assumedTtlMs: opts.assumedTtlMs } : {}), ...(opts.now ? { now: opts.now } : {}) });
    // Decisions and assumptions happen with no await between them, so workers never overcommit;
    // more than one lets a pod's FailedScheduling status write or PreBind wait overlap others.
    this.queue = new WorkQueue((k) => this.reconcile(k), { workers: 4, baseDelayMs: 100, maxDelayMs: 10_000, onError: (k, e) => this.opts.log?.(`schedule ${k}: ${String(e)}`) });
  }

  async start(): Promise<void> {
    this.pods.addHandler({
      add: (p) => this.onPod(p),
      update: (_o, p) => this.onPod(p),
      delete: (p) => this.onPodDeleted(p),
    });
    const nodeChanged = (n: Node): void => {
      this.cache.setNode(n);
      this.retryUnschedulable();
    };
    this.nodes.addHandler({
      add: nodeChanged,
      update: (o, n) => o !== n && nodeChanged(n),
      delete: (n) => {
        this.cache.removeNode(n.metadata?.name ?? '');
        this.retryUnschedulable();
      },
    });
    const claimChanged = (c: PersistentVolumeClaim): void => this.retryClaimUsers(c.metadata?.namespace ?? '', c.metadata?.name ?? '');
    this.claims.addHandler({ add: claimChanged, update: (_o, c) => claimChanged(c), delete: claimChanged });
    this.volumes.addHandler({ add: (v) => this.retryClaimUsers(v.spec?.claimRef?.namespace ?? '', v.spec?.claimRef?.name ?? ''), update: (_o, v) => this.retryClaimUsers(v.spec?.claimRef?.namespace ?? '', v.spec?.claimRef?.name ?? '') });
    await Promise.all([this.nodes.start(), this.classes.start(), this.volumes.start(), this.claims.start()]);
    await this.pods.start();
    this.retryTimer = setInterval(() => this.retryUnschedulable(), this.opts.retryUnschedulableMs ?? 30_000);
    this.cleanupTimer = setInterval(() => this.expireAssumed(), this.opts.cleanupPeriodMs ?? 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.queue.stop();
    await Promise.all([this.pods.stop(), this.nodes.stop(), this.claims.stop(), this.volumes.stop(), this.classes.stop()]);
  }

  private onPod(p: Pod): void {
    const key = keyOf(p);
    if (p.spec?.nodeName) {
      // Seen bound: confirms the assumption (or adds a pod bound by someone else).
      this.cache.addPod(p);
      this.bindFailures.delete(key);
      this.unschedulable.delete(key);
      // A pod finishing frees resources others may be waiting for.
      if (['Succeeded', 'Failed'].includes(p.status?.phase ?? '')) this.retryUnschedulable();
      return;
    }
    if (isPending(p) && !this.unschedulable.has(key)) this.queue.add(key);
  }

  private onPodDeleted(p: Pod): void {
    const key = keyOf(p);
    this.cache.removePod(key);
    this.bindFailures.delete(key);
    this.retryUnschedulable();
  }

  /** Drops assumptions never confirmed in time; their pods may be retried and their room reused. */
  private expireAssumed(): void {
    const expired = this.cache.cleanupExpired();
    if (expired.length === 0) return;
    for (const key of expired) {
      this.opts.log?.(`assumed pod ${key} expired: its binding was never seen`);
      this.queue.add(key);
    }
    this.retryUnschedulable();
  }

  /** A claim (or its volume) changed: pending pods using it may now fit or be ready to bind. */
  private retryClaimUsers(ns: string, claim: string): void {
    if (!claim) return;
    for (const p of this.pods.list()) {
      if (p.metadata?.namespace === ns && isPending(p) && podClaimNames(p).includes(claim)) this.queue.add(keyOf(p));
    }
  }

  private storage(): StorageView {
    return { claims: (k) => this.claims.get(k), volumes: (n) => this.volumes.get(n), classes: this.classes.list() };
  }

  private retryUnschedulable(): void {
    for (const k of this.unschedulable) this.queue.add(k);
  }

  private async reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const pod = this.pods.get(key);
    if (!pod || !isPending(pod) || this.cache.has(key)) {
      this.unschedulable.delete(key);
      this.preBindSince.delete(key);
      return;
    }
    const ns = pod.metadata?.namespace ?? 'default';
    const claims = checkPodClaims(pod, this.storage());
    const { nodes, pods } = this.cache.snapshot();
    const decision = 'message' in claims ? { message: nodes.length ? `0/${nodes.length} nodes are available: ${claims.message}.` : unschedulableMessage(0, []) } : schedule(pod, nodes, pods, (n) => volumeConflict(claims, n));
    if ('node' in decision && 'waiting' in claims && claims.waiting.length > 0) {
      // PreBind: name the node on the claims, then wait (re-queued by claim events) until they are Bound.
      const since = this.preBindSince.get(key) ?? Date.now();
      this.preBindSince.set(key, since);
      const left = since + (this.opts.bindTimeoutMs ?? BIND_TIMEOUT_MS) - Date.now();
      if (left <= 0) {
        this.preBindSince.delete(key);
        await this.reportFailure(pod, 'SchedulerError', BIND_TIMEOUT_MESSAGE);
        return { requeueAfterMs: BIND_RETRY_MS };
      }
      // An update of the cached claim, as upstream's volume binder does (system:volume-scheduler grants
      // update, not patch); a conflict fails this attempt and the queue retries with the newer claim.
      for (const c of claimsToSelect(claims, decision.node)) {
        const annotations = { ...c.metadata?.annotations, [SELECTED_NODE_ANNOTATION]: decision.node };
        await this.client.replace(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${c.metadata?.name ?? ''}`, { ...c, metadata: { ...c.metadata, annotations } });
      }
      this.unschedulable.delete(key);
      return { requeueAfterMs: left };
    }
    this.preBindSince.delete(key);
    if ('node' in decision) {
      // Reserve: from here on the next decisions count this pod on its node; bind in the background.
      this.cache.assumePod({ ...pod, spec: { ...pod.spec, nodeName: decision.node } });
      this.unschedulable.delete(key);
      void this.bind(pod, decision.node);
      return;
    }
    const firstTime = !this.unschedulable.has(key);
    this.unschedulable.add(key);
    const cond = pod.status && (pod.status as { conditions?: { type: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled');
    if (firstTime || cond?.message !== decision.message) await this.reportFailure(pod, 'Unschedulable', decision.message);
  }

  /**
   * The binding cycle: POST pods/binding. Success lets the assumption expire unless the informer
   * confirms it; failure forgets it (freeing its room) and requeues the pod with back-off, unless
   * the pod is gone or already bound (404/409), which the informer will show.
   */
  private async bind(pod: Pod, node: string): Promise<void> {
    const key = keyOf(pod);
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    await this.bindSlot();
    try {
      await this.client.create(`/api/v1/namespaces/${ns}/pods/${name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    } catch (e) {
      this.releaseBindSlot();
      if (this.cache.forgetPod(key)) this.retryUnschedulable();
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      const failures = (this.bindFailures.get(key) ?? 0) + 1;
      this.bindFailures.set(key, failures);
      const delay = backoffMs(failures, this.opts.bindBackoffMs);
      if (this.stopped) return;
      this.opts.log?.(`bind ${key} to ${node}: ${String(e)}; retrying in ${delay} ms`);
      this.queue.addAfter(key, delay);
      return;
    }
    this.releaseBindSlot();
    this.cache.finishBinding(key);
    this.bindFailures.delete(key);
    if (!this.stopped) this.recordEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
  }

  /** Waits for one of the bind slots; a released slot passes straight to the oldest waiter. */
  private async bindSlot(): Promise<void> {
    if (this.bindsInFlight < (this.opts.maxBindsInFlight ?? 8)) {
      this.bindsInFlight += 1;
      return;
    }
    await new Promise<void>((r) => this.bindWaiters.push(r));
  }

  private releaseBindSlot(): void {
    const next = this.bindWaiters.shift();
    if (next) next();
    else this.bindsInFlight -= 1;
  }

  private recordEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.eventChain = this.eventChain.then(() => this.events.record(pod, type, reason, message));
  }

  /** PodScheduled=False with the reason, and a FailedScheduling event. */
  private async reportFailure(pod: Pod, reason: string, message: string): Promise<void> {
    await this.client.patch(
      `/api/v1/namespaces/${pod.metadata?.namespace ?? 'default'}/pods/${pod.metadata?.name ?? ''}/status`,
      { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] } },
      { contentType: 'application/strategic-merge-patch+json' },
    );
    this.recordEvent(pod, 'Warning', 'FailedScheduling', message);
  }
}
