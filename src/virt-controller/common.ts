/**
 * What every virt-controller controller shares: the dependencies object, a factory that hands
 * out one informer per collection, REST paths of the kinds they touch, and small helpers.
 */
import { StatusError, type KubeObject } from '../api/meta/index.js';
import type { EventRecorder, EventType } from '../client/events.js';
import { Informer, keyOf, type Handler } from '../client/informer.js';
import type { Expectations } from '../client/expectations.js';
import { WorkQueue, type ReconcileResult } from '../client/workqueue.js';
import type { KubeClient } from '../client/kube-client.js';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The dependencies every controller takes (built by src/cmd/virt-controller.ts or a test). */
export interface ControllerDeps {
  readonly client: KubeClient;
  readonly recorder: EventRecorder;
  readonly informers: InformerFactory;
  readonly now: () => Date;
  readonly log: Logger;
}

/** One shared informer per collection path and label selector. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  constructor(
    private readonly client: KubeClient,
    private readonly resyncMs = 0,
  ) {}

  get<T extends KubeObject>(path: string, labelSelector?: string): Informer<T> {
    const key = `${path}?${labelSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, { path, ...(labelSelector ? { labelSelector } : {}), resyncMs: this.resyncMs, retryMs: 500 });
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** True once every informer handed out so far has listed (controllers act only on full caches). */
  get synced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced);
  }

  /** Starts every informer handed out so far; resolves once all have listed. */
  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

export const PATHS = {
  vmis: '/apis/kubevirt.io/v1/virtualmachineinstances',
  vms: '/apis/kubevirt.io/v1/virtualmachines',
  vmirs: '/apis/kubevirt.io/v1/virtualmachineinstancereplicasets',
  pods: '/api/v1/pods',
  pvcs: '/api/v1/persistentvolumeclaims',
  nodes: '/api/v1/nodes',
  dataVolumes: '/apis/cdi.kubevirt.io/v1beta1/datavolumes',
} as const;

/** The namespaced path of one object (or its collection when `name` is omitted). */
export function objectPath(collection: string, ns: string, name?: string): string {
  const [prefix, plural] = [collection.slice(0, collection.lastIndexOf('/')), collection.slice(collection.lastIndexOf('/') + 1)];
  return `${prefix}/namespaces/${ns}/${plural}${name !== undefined ? `/${name}` : ''}`;
}

/** `namespace/name` of an object's controlling owner of `kind`, if any. */
export function ownerKey(obj: KubeObject, kind: string): string | undefined {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller && r.kind === kind);
  return ref ? `${obj.metadata?.namespace ?? ''}/${ref.name}` : undefined;
}

/** True when `obj` is controlled by the object with `uid`. */
export const ownedBy = (obj: KubeObject, uid: string | undefined): boolean => (obj.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);

/** Splits a `namespace/name` key. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** Ignores 404 (the object is already gone) and rethrows anything else. */
export function ignoreNotFound(err: unknown): void {
  if (err instanceof StatusError && err.code === 404) return;
  throw err;
}

/** Structural equality of JSON values (status comparisons). */
export const sameJSON = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export { keyOf };

/** An Error for anything thrown. */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e)));

/** Informer handlers for owned objects: enqueue the owner of `kind`, observing expectations on add/delete. */
export function ownedHandlers<T extends KubeObject>(kind: string, queue: WorkQueue, expectations: Expectations): Handler<T> {
  const on = (o: T, observe?: 'add' | 'del') => {
    const key = ownerKey(o, kind);
    if (!key) return;
    if (observe === 'add') expectations.creationObserved(key);
    if (observe === 'del') expectations.deletionObserved(key);
    queue.add(key);
  };
  return { add: (o) => on(o, 'add'), update: (_, o) => on(o), delete: (o) => on(o, 'del') };
}

/** Handlers that enqueue the object's own key. */
export const selfHandlers = <T extends KubeObject>(queue: WorkQueue): Handler<T> => {
  const enqueue = (o: T) => queue.add(keyOf(o));
  return { add: enqueue, update: (_, o) => enqueue(o), delete: enqueue };
};

/** How long a key waits while the caches are still listing (handlers fire during the first list). */
const CACHE_SYNC_WAIT_MS = 100;

/**
 * Records an Event without waiting for its write, as client-go's recorder does: a reconcile (and
 * the next key a worker could take) never waits on an Event; a failed write is logged.
 */
export function recordEvent(deps: ControllerDeps, obj: KubeObject, type: EventType, reason: string, message: string): void {
  void deps.recorder.record(obj, type, reason, message, (err) => deps.log.error('event not recorded', { reason, err: String(err) }));
}

/** Workers per controller queue: upstream virt-controller's default threadiness (3; the VMI controller has its own). */
export const DEFAULT_WORKERS = 3;

/** A work queue whose failures are logged under `name`; keys wait until every cache has listed. */
export const newQueue = (name: string, deps: ControllerDeps, reconcile: (key: string) => Promise<ReconcileResult | void>, workers = DEFAULT_WORKERS): WorkQueue =>
  new WorkQueue((key) => (deps.informers.synced ? reconcile(key) : Promise.resolve({ requeueAfterMs: CACHE_SYNC_WAIT_MS })), {
    workers,
    onError: (key, err) => deps.log.error(`${name} reconcile failed`, { key, err: String(err) }),
  });
