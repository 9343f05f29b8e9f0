/**
 * Point-in-time copies of a resource's objects taken when a paginated list returns its first
 * page, so every continued page shows the data as of the first page's resourceVersion, as
 * etcd's MVCC lets kube-apiserver do. Copies live for five minutes (kube-apiserver's default
 * compaction interval); a continue token outliving its copy gets 410 Expired.
 */
import type { GroupResource } from '../../../api/meta/index.js';
import type { Store } from '../store/store.js';
import { resourceKey } from '../store/store.js';

interface Snapshot {
  readonly rows: readonly (readonly [string, string])[];
  readonly expires: number;
}

/** How long a snapshot is kept after its first page. */
export const snapshotTtlMs = 5 * 60_000;
/** At most this many snapshots are kept; the oldest goes first. */
const maxSnapshots = 64;

/** The snapshots of one store. */
export class ListSnapshots {
  private readonly byKey = new Map<string, Snapshot>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  private static key(gr: GroupResource, namespace: string, rv: number): string {
    return `${resourceKey(gr)}|${namespace}|${rv}`;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [k, s] of this.byKey) if (s.expires <= now) this.byKey.delete(k);
    while (this.byKey.size > maxSnapshots) this.byKey.delete(this.byKey.keys().next().value as string);
  }

  /** Records the current rows of a resource (one namespace or all) at the store's resourceVersion `rv`. */
  take(gr: GroupResource, namespace: string, rv: number): void {
    this.sweep();
    const key = ListSnapshots.key(gr, namespace, rv);
    if (this.byKey.has(key)) return;
    const at = this.store.rowsAt(gr, namespace || undefined);
    if (at.rv !== rv) return;
    this.byKey.set(key, { rows: at.rows, expires: this.clock() + snapshotTtlMs });
  }

  /** Rows after `afterKey` as of `rv`, or undefined when that snapshot is gone. */
  rowsAfter(gr: GroupResource, namespace: string, rv: number, afterKey: string): Iterable<readonly [string, string]> | undefined {
    this.sweep();
    const snap = this.byKey.get(ListSnapshots.key(gr, namespace, rv));
    if (!snap) return undefined;
    let lo = 0;
    let hi = snap.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((snap.rows[mid]?.[0] ?? '') <= afterKey) lo = mid + 1;
      else hi = mid;
    }
    return snap.rows.slice(lo);
  }
}

const perStore = new WeakMap<Store, ListSnapshots>();

/** The snapshots kept for a store (one set per server). */
export function listSnapshotsOf(store: Store): ListSnapshots {
  let s = perStore.get(store);
  if (!s) perStore.set(store, (s = new ListSnapshots(store)));
  return s;
}
