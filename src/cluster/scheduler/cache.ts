/**
 * The scheduler's cache, as kube-scheduler's: nodes and the pods placed on them, where "placed"
 * includes pods the scheduler has assumed (decided, bind in flight or not yet seen bound), so a
 * decision made while other binds are in flight never overcommits a node. States of one pod:
 * assumed -> (bind returns) binding finished -> confirmed when the informer shows it bound, or
 * forgotten when its bind fails, or expired when it is never confirmed within the TTL.
 */
import { keyOf } from '../../client/informer.js';
import type { Node, Pod } from './types.js';

export interface SchedulerCacheOptions {
  /**
   * How long after its bind returned an assumed pod may stay unconfirmed before it is dropped
   * (kube-scheduler's old 30 s; upstream now never expires them, kubernetes#106361). 0: never.
   */
  readonly assumedTtlMs?: number;
  readonly now?: () => number;
}

interface Assumption {
  /** Set once the bind returned: the assumption expires then unless confirmed. */
  deadline?: number;
}

/** One consistent view for one scheduling decision. */
export interface Snapshot {
  readonly nodes: readonly Node[];
  /** Bound and assumed pods. */
  readonly pods: readonly Pod[];
}

/** The nodes and placed pods the scheduling cycle decides against (see the file comment). */
export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  private readonly pods = new Map<string, Pod>();
  private readonly assumed = new Map<string, Assumption>();
  private snap: Snapshot | undefined;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(opts: SchedulerCacheOptions = {}) {
    this.ttl = opts.assumedTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Adds or replaces a node (informer add/update). */
  setNode(node: Node): void {
    this.nodes.set(node.metadata?.name ?? '', node);
    this.snap = undefined;
  }

  removeNode(name: string): void {
    this.nodes.delete(name);
    this.snap = undefined;
  }

  /**
   * A pod the informer shows bound to a node (add or update): confirms an assumption of it,
   * taking the informer's copy (its node wins should it differ from the assumed one).
   */
  addPod(pod: Pod): void {
    const key = keyOf(pod);
    this.assumed.delete(key);
    this.pods.set(key, pod);
    this.snap = undefined;
  }

  /** The pod is gone (informer delete): drops it, assumed or not. */
  removePod(key: string): void {
    this.assumed.delete(key);
    if (this.pods.delete(key)) this.snap = undefined;
  }

  /** The scheduling cycle chose `pod.spec.nodeName` for the pod: count it there from now on. */
  assumePod(pod: Pod): void {
    const key = keyOf(pod);
    if (!pod.spec?.nodeName) throw new Error(`assumed pod ${key} has no node`);
    if (this.pods.has(key)) throw new Error(`pod ${key} is already in the scheduler cache`);
    this.pods.set(key, pod);
    this.assumed.set(key, {});
    this.snap = undefined;
  }

  /** The bind call returned: the assumption now expires unless the informer confirms it in time. */
  finishBinding(key: string): void {
    const a = this.assumed.get(key);
    if (a && this.ttl > 0) a.deadline = this.now() + this.ttl;
  }

  /** The bind failed: the pod no longer holds the node's resources. Returns whether it was assumed. */
  forgetPod(key: string): boolean {
    if (!this.assumed.delete(key)) return false;
    this.pods.delete(key);
    this.snap = undefined;
    return true;
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** Whether the pod is placed (bound or assumed). */
  has(key: string): boolean {
    return this.pods.has(key);
  }

  /** Drops assumptions whose bind finished more than the TTL ago without confirmation; returns their keys. */
  cleanupExpired(): string[] {
    const now = this.now();
    const out: string[] = [];
    for (const [key, a] of this.assumed) {
      if (a.deadline === undefined || a.deadline > now) continue;
      this.assumed.delete(key);
      this.pods.delete(key);
      out.push(key);
    }
    if (out.length > 0) this.snap = undefined;
    return out;
  }

  /** Nodes and placed pods; the same arrays until the cache next changes. */
  snapshot(): Snapshot {
    this.snap ??= { nodes: [...this.nodes.values()], pods: [...this.pods.values()] };
    return this.snap;
  }
}
