/**
 * Fans committed store events out to watchers. Runs synchronously inside the store's post-commit
 * notification, so it visits only the watchers that can be concerned: those of the event's
 * resource, of all namespaces or the event's own, and, for a watcher whose selection requires
 * `field=value` (or a label's value), only when the event's object (or its previous form) has it. What the
 * visited watchers derive from the event (field values, served copies) is computed once per
 * event through its EventShare.
 */
import type { Store, StoreEvent } from '../store/store.js';

/** What the watchers of one event derive from it, computed by the first that needs it. */
export class EventShare {
  private readonly owners: unknown[] = [];
  private readonly parts: string[] = [];
  private readonly values: unknown[] = [];

  constructor(readonly ev: StoreEvent) {}

  /**
   * `compute(ev)` once per event for each (owner, part): e.g. (a resource's info, 'fields') or
   * (an apiVersion, 'served'). Callers sharing a key promise that their computations are equal.
   */
  once<T>(owner: unknown, part: string, compute: (ev: StoreEvent) => T): T {
    const { owners, parts, values } = this;
    for (let i = 0; i < owners.length; i++) if (owners[i] === owner && parts[i] === part) return values[i] as T;
    const v = compute(this.ev);
    owners.push(owner);
    parts.push(part);
    values.push(v);
    return v;
  }
}

/** A watcher's callback for one resource's events. */
export type HubListener = (ev: StoreEvent, share: EventShare) => void;

/**
 * An exact-match term a watcher's selection requires: events whose object and previous form both
 * read another value cannot concern it. Terms with the same `by` and `field` read the field
 * alike (e.g. `by`: the served resource's info), so their watchers are looked up by value together.
 */
export interface IndexTerm {
  readonly by: object;
  readonly field: string;
  readonly value: string;
  /** The field's value in the event's object, or in its previous form when `prev`; undefined matches no term. */
  readonly read: (share: EventShare, prev: boolean) => string | undefined;
}

/** Which events a watcher may want: its namespace ('' for all) and an optional required term. */
export interface HubRoute {
  readonly namespace?: string;
  readonly term?: IndexTerm;
}

interface TermBucket {
  readonly read: IndexTerm['read'];
  readonly byValue: Map<string, Set<HubListener>>;
}

/** The watchers of one resource in one namespace (or all): unindexed, and by required term. */
class Lane {
  readonly plain = new Set<HubListener>();
  /** by -> field -> bucket. */
  readonly terms = new Map<object, Map<string, TermBucket>>();
  size = 0;

  add(l: HubListener, term: IndexTerm | undefined): () => void {
    this.size++;
    if (!term) {
      this.plain.add(l);
      return () => {
        if (this.plain.delete(l)) this.size--;
      };
    }
    let byField = this.terms.get(term.by);
    if (!byField) this.terms.set(term.by, (byField = new Map()));
    let bucket = byField.get(term.field);
    if (!bucket) byField.set(term.field, (bucket = { read: term.read, byValue: new Map() }));
    let set = bucket.byValue.get(term.value);
    if (!set) bucket.byValue.set(term.value, (set = new Set()));
    set.add(l);
    return () => {
      if (!set.delete(l)) return;
      this.size--;
      if (set.size > 0) return;
      bucket.byValue.delete(term.value);
      if (bucket.byValue.size > 0) return;
      byField.delete(term.field);
      if (byField.size === 0) this.terms.delete(term.by);
    };
  }

  visit(ev: StoreEvent, share: EventShare): void {
    for (const l of this.plain) l(ev, share);
    if (this.terms.size === 0) return;
    for (const byField of this.terms.values()) {
      for (const bucket of byField.values()) {
        const now = bucket.read(share, false);
        const a = now === undefined ? undefined : bucket.byValue.get(now);
        if (a) for (const l of a) l(ev, share);
        if (ev.prev === undefined) continue;
        const before = bucket.read(share, true);
        if (before === now || before === undefined) continue;
        const b = bucket.byValue.get(before);
        if (b) for (const l of b) l(ev, share);
      }
    }
  }
}

/** One subscription to the store shared by all watchers. */
export class WatchHub {
  /** resource -> namespace ('' for watchers of all namespaces) -> lane. */
  private readonly byResource = new Map<string, Map<string, Lane>>();
  private readonly unsubscribe: () => void;

  constructor(store: Store) {
    this.unsubscribe = store.subscribe((ev) => this.dispatch(ev));
  }

  private dispatch(ev: StoreEvent): void {
    const lanes = this.byResource.get(ev.resource);
    if (!lanes) return;
    const share = new EventShare(ev);
    lanes.get('')?.visit(ev, share);
    if (ev.namespace !== '') lanes.get(ev.namespace)?.visit(ev, share);
  }

  /**
   * Listens to events of one `group/resource`; returns the function that stops listening. With a
   * route, only events of its namespace reach the listener, and with a term, only events whose
   * object or previous form has the term's value (the listener must ignore all others anyway).
   */
  listen(resource: string, l: HubListener, route: HubRoute = {}): () => void {
    const ns = route.namespace ?? '';
    let lanes = this.byResource.get(resource);
    if (!lanes) this.byResource.set(resource, (lanes = new Map()));
    let lane = lanes.get(ns);
    if (!lane) lanes.set(ns, (lane = new Lane()));
    const remove = lane.add(l, route.term);
    const theLanes = lanes;
    const theLane = lane;
    return () => {
      remove();
      if (theLane.size > 0 || theLanes.get(ns) !== theLane) return;
      theLanes.delete(ns);
      if (theLanes.size === 0 && this.byResource.get(resource) === theLanes) this.byResource.delete(resource);
    };
  }

  /** Number of active watchers (metrics, tests). */
  get size(): number {
    let n = 0;
    for (const lanes of this.byResource.values()) for (const lane of lanes.values()) n += lane.size;
    return n;
  }

  /** Detaches from the store. */
  close(): void {
    this.unsubscribe();
    this.byResource.clear();
  }
}
