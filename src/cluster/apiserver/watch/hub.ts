/**
 * Fans committed store events out to watchers, indexed by resource so a write wakes only the
 * watchers of its resource. Runs synchronously inside the store's post-commit notification.
 */
import type { Store, StoreEvent } from '../store/store.js';

/** A watcher's callback for one resource's events. */
export type HubListener = (ev: StoreEvent) => void;

/** One subscription to the store shared by all watchers. */
export class WatchHub {
  private readonly byResource = new Map<string, Set<HubListener>>();
  private readonly unsubscribe: () => void;

  constructor(store: Store) {
    this.unsubscribe = store.subscribe((ev) => this.dispatch(ev));
  }

  private dispatch(ev: StoreEvent): void {
    const set = this.byResource.get(ev.resource);
    if (!set) return;
    for (const l of [...set]) l(ev);
  }

  /** Listens to events of one `group/resource`; returns the function that stops listening. */
  listen(resource: string, l: HubListener): () => void {
    let set = this.byResource.get(resource);
    if (!set) this.byResource.set(resource, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
      if (set.size === 0) this.byResource.delete(resource);
    };
  }

  /** Number of active watchers (metrics, tests). */
  get size(): number {
    let n = 0;
    for (const s of this.byResource.values()) n += s.size;
    return n;
  }

  /** Detaches from the store. */
  close(): void {
    this.unsubscribe();
    this.byResource.clear();
  }
}
