/**
 * A shared informer: list, then watch from the list's resourceVersion, keeping a local cache
 * that handlers read. Re-lists on 410 Gone, resumes a closed watch from the last seen
 * resourceVersion (bookmarks keep it fresh), and replays everything as updates on resync.
 */
import type { KubeList, KubeObject, Status } from '../api/meta/index.js';
import { StatusError } from '../api/meta/index.js';
import type { KubeClient, WatchEvent } from './kube-client.js';

export type Handler<T> = {
  add?: (obj: T) => void;
  update?: (oldObj: T, newObj: T) => void;
  delete?: (obj: T) => void;
};

export interface InformerOptions {
  /** Collection path, e.g. `/api/v1/pods` or `/apis/kubevirt.io/v1/virtualmachineinstances`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Replay the cache as updates this often (0: never). */
  readonly resyncMs?: number;
  /** Delay before retrying after an error. */
  readonly retryMs?: number;
  readonly pageSize?: number;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ''}` : (obj.metadata?.name ?? '');
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Handler<T>[] = [];
  private readonly abort = new AbortController();
  private resourceVersion = '';
  private synced = false;
  private syncedWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerOptions,
  ) {}

  addHandler(h: Handler<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.cache.values()) h.add?.(o);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  /** The cached objects without copying them into an array (for scans on every reconcile). */
  values(): IterableIterator<T> {
    return this.cache.values();
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Starts the list/watch loop; resolves once the first list is in the cache. */
  async start(): Promise<void> {
    this.running ??= this.loop();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => this.resync(), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
    if (!this.synced) await new Promise<void>((r) => this.syncedWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.running;
  }

  private resync(): void {
    for (const o of this.cache.values()) for (const h of this.handlers) h.update?.(o, o);
  }

  private get selectorQuery(): Record<string, string | undefined> {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async loop(): Promise<void> {
    let needList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        await this.watchOnce();
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof StatusError && err.code === 410) needList = true;
        await this.pause(this.opts.retryMs ?? 1000);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.get<KubeList<T>>(this.opts.path, {
        query: { ...this.selectorQuery, limit: this.opts.pageSize ?? 500, continue: cont },
        signal: this.abort.signal,
      });
      for (const item of page.items) fresh.set(keyOf(item), item);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    for (const [k, old] of this.cache) {
      if (!fresh.has(k)) {
        this.cache.delete(k);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    for (const [k, obj] of fresh) {
      const old = this.cache.get(k);
      this.cache.set(k, obj);
      for (const h of this.handlers) {
        if (!old) h.add?.(obj);
        else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) h.update?.(old, obj);
      }
    }
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncedWaiters.splice(0)) w();
    }
  }

  private async watchOnce(): Promise<void> {
    await this.client.watch<T>(
      this.opts.path,
      { ...this.selectorQuery, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
      (e) => this.apply(e),
      this.abort.signal,
    );
  }

  private apply(e: WatchEvent<T>): void {
    if (e.type === 'ERROR') {
      const s = e.object as unknown as Status;
      throw new StatusError(s.code, s.reason ?? '', s.message ?? 'watch error');
    }
    const rv = e.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return;
    const key = keyOf(e.object);
    const old = this.cache.get(key);
    if (e.type === 'DELETED') {
      this.cache.delete(key);
      for (const h of this.handlers) h.delete?.(old ?? e.object);
      return;
    }
    this.cache.set(key, e.object);
    for (const h of this.handlers) {
      if (old) h.update?.(old, e.object);
      else h.add?.(e.object);
    }
  }
}
