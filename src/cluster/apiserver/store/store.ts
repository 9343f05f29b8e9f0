/**
 * The API server's storage: every object of every resource in one SQLite database (WAL), one
 * global resourceVersion, and a retained history of change events so watches can resume from an
 * older resourceVersion (or learn with 410 Gone that they must re-list).
 */
import Database from 'better-sqlite3';
import { alreadyExists, conflict, gone, notFound, type GroupResource, type KubeObject } from '../../../api/meta/index.js';
import { Checkpointer, type CheckpointRecord } from './checkpointer.js';
import { batchClosed, batchOpened } from './commit-gate.js';
import { rememberJson } from './json-memo.js';

/** ADDED / MODIFIED / DELETED, as in watch.Event. */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change: which resource and object, at which resourceVersion. */
export interface StoreEvent {
  readonly type: EventType;
  /** `group/resource` (core group: `/pods`). */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly rv: number;
  readonly object: KubeObject;
  /** The object before this change (live events only; replayed history lacks it). */
  readonly prev?: KubeObject;
}

/** Receives every committed event, synchronously, in resourceVersion order. */
export type StoreListener = (ev: StoreEvent) => void;

/** Options for list(). Keys are `namespace/name` (cluster-scoped: `/name`). */
export interface ListOptions {
  readonly namespace?: string;
  /** Return only objects whose key sorts after this one (pagination). */
  readonly afterKey?: string;
  /** Called per object; only objects it accepts count towards `limit`. */
  readonly filter?: (obj: KubeObject) => boolean;
  readonly limit?: number;
}

/** A page of a list: the objects, whether more remain, and the key of the last one. */
export interface ListPage {
  readonly items: KubeObject[];
  readonly rv: number;
  readonly lastKey?: string;
  readonly more: boolean;
}

/** Tuning: how many events the watch history keeps. */
export interface StoreOptions {
  readonly historySize?: number;
}

/** `group/resource`, the storage prefix of one resource. */
export const resourceKey = (gr: GroupResource): string => `${gr.group}/${gr.resource}`;
const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** An object row's JSON: its own `data` (databases written before objects were stored once), else its event's. */
const objectData = "CASE WHEN o.data = '' THEN e.data ELSE o.data END AS data";
/** Joins an object row to the event row of its resourceVersion. */
const eventOf = 'LEFT JOIN events e ON e.rv = o.rv';

function parse(data: string): KubeObject {
  return JSON.parse(data) as KubeObject;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** One current object in the memory cache: its stored JSON and resourceVersion, and its parsed (frozen) form once read. */
interface Entry {
  readonly data: string;
  readonly rv: number;
  obj?: KubeObject;
}
/** Per resource: key -> entry; in a transaction's overlay, null marks a deletion. */
type Entries<E> = Map<string, Map<string, E>>;

/**
 * SQLite-backed object store. All methods are synchronous; each write is atomic (a savepoint), and
 * the writes of one event-loop turn are committed together in one SQLite transaction just after it
 * (group commit: one WAL append instead of one per write); answers wait for it (commit-gate.ts).
 * Current objects are also kept in memory (as their stored JSON), so reads never touch SQLite.
 */
export class Store {
  private readonly db: Database.Database;
  private readonly listeners = new Set<StoreListener>();
  private rv: number;
  private compacted: number;
  private readonly historySize: number;
  private writesSinceCompaction = 0;
  private readonly checkpointer: Checkpointer;
  private readonly st: ReturnType<Store['prepare']>;
  /** Committed current objects of the resources read so far. */
  private readonly cache: Entries<Entry> = new Map();
  /** Writes of the open transaction, visible to reads inside it, merged into `cache` on commit. */
  private overlay: Entries<Entry | null> = new Map();
  /** Frozen, key-ordered item lists per resource (snapshot()), dropped when the resource changes. */
  private readonly snapshots = new Map<string, readonly KubeObject[]>();

  constructor(path: string, opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 10_000;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9).
    this.db.pragma('synchronous = NORMAL');
    // Checkpoints (the only fsyncs under NORMAL) run in a worker thread, not inside a commit.
    this.db.pragma('wal_autocheckpoint = 0');
    // When the WAL restarts after a long burst, its file shrinks back to this size.
    this.db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    this.checkpointer = new Checkpointer(path, () => this.db.pragma('wal_autocheckpoint = 1000'), undefined, () => {
      // A checkpoint on this connection cannot run inside its open transaction.
      this.commitBatch();
      const r = (this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0];
      return r ?? { busy: 1, log: 0, checkpointed: 0 };
    });
    // An object's JSON is stored once, in the event row of its resourceVersion: `objects.data` is ''
    // (databases written before keep their objects' JSON there; reads take whichever is set), and
    // compaction keeps the event rows of current objects. See docs/adr/0002-apiserver-storage.md.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (resource TEXT NOT NULL, key TEXT NOT NULL, namespace TEXT NOT NULL,
        rv INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (resource, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL,
        namespace TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
      DROP INDEX IF EXISTS events_resource;
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (k, v) VALUES ('rv', 1), ('compacted', 0);
    `);
    this.st = this.prepare();
    // The newest event carries the current resourceVersion; meta.rv covers a fully compacted history.
    const newest = (this.st.maxEventRv.get() as { v: number | null }).v ?? 0;
    this.rv = Math.max((this.st.getMeta.get('rv') as { v: number }).v, newest);
    this.compacted = (this.st.getMeta.get('compacted') as { v: number }).v;
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare('SELECT v FROM meta WHERE k = ?'),
      setMeta: db.prepare('UPDATE meta SET v = ? WHERE k = ?'),
      maxEventRv: db.prepare('SELECT max(rv) AS v FROM events'),
      load: db.prepare(`SELECT o.key, o.rv, ${objectData} FROM objects o ${eventOf} WHERE o.resource = ?`),
      upsert: db.prepare("INSERT OR REPLACE INTO objects (resource, key, namespace, rv, data) VALUES (?, ?, ?, ?, '')"),
      del: db.prepare('DELETE FROM objects WHERE resource = ? AND key = ?'),
      event: db.prepare('INSERT INTO events (rv, type, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)'),
      listAll: db.prepare(`SELECT o.key, ${objectData} FROM objects o ${eventOf} WHERE o.resource = ? AND o.key > ? ORDER BY o.key`),
      listNs: db.prepare(`SELECT o.key, ${objectData} FROM objects o ${eventOf} WHERE o.resource = ? AND o.key > ? AND o.key < ? ORDER BY o.key`),
      count: db.prepare('SELECT count(*) AS n FROM objects WHERE resource = ?'),
      since: db.prepare('SELECT rv, type, resource, namespace, name, data FROM events WHERE rv > ? AND resource = ? ORDER BY rv'),
      // The events in (compacted, upTo] but those holding a current object's JSON (looked up by the object's key).
      compact: db.prepare(`DELETE FROM events WHERE rv > ? AND rv <= ? AND NOT EXISTS (SELECT 1 FROM objects o
        WHERE o.resource = events.resource AND o.key = events.namespace || '/' || events.name AND o.rv = events.rv)`),
      dropEvent: db.prepare('DELETE FROM events WHERE rv = ?'),
      resources: db.prepare('SELECT DISTINCT resource FROM objects'),
      begin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
  }

  /** The newest committed resourceVersion. */
  currentRv(): number {
    return this.rv;
  }

  /** The newest resourceVersion no longer in the watch history (watching from below it is 410 Gone). */
  compactedRv(): number {
    return this.compacted;
  }

  /** Committed objects of one resource, loaded from SQLite on first use. */
  private committed(res: string): Map<string, Entry> {
    let m = this.cache.get(res);
    if (!m) {
      m = new Map();
      for (const row of this.st.load.iterate(res) as IterableIterator<{ key: string; rv: number; data: string }>) m.set(row.key, { data: row.data, rv: row.rv });
      this.cache.set(res, m);
    }
    return m;
  }

  private entry(res: string, key: string): Entry | undefined {
    const pending = this.overlay.get(res)?.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.committed(res).get(key);
  }

  /** Reads one object (a private copy the caller may change), or undefined. */
  get(gr: GroupResource, namespace: string, name: string): KubeObject | undefined {
    const e = this.entry(resourceKey(gr), objectKey(namespace, name));
    return e ? parse(e.data) : undefined;
  }

  /** The stored JSON text of one object (what get() would parse), or undefined: for answers that send it as is. */
  storedJson(gr: GroupResource, namespace: string, name: string): string | undefined {
    return this.entry(resourceKey(gr), objectKey(namespace, name))?.data;
  }

  /** Reads one object without copying it: the result is frozen and shared, for readers that only look. */
  peek(gr: GroupResource, namespace: string, name: string): KubeObject | undefined {
    const e = this.entry(resourceKey(gr), objectKey(namespace, name));
    if (!e) return undefined;
    return (e.obj ??= deepFreeze(parse(e.data)));
  }

  /**
   * The stored JSON of every current object of one resource (optionally one namespace) in key
   * order, as of currentRv(): a cheap point-in-time copy (the strings are shared), for paging.
   */
  rowsAt(gr: GroupResource, namespace?: string): { rv: number; rows: (readonly [string, string])[] } {
    const prefix = namespace ? `${namespace}/` : '';
    const rows: (readonly [string, string])[] = [];
    for (const [key, e] of this.committed(resourceKey(gr))) if (key.startsWith(prefix)) rows.push([key, e.data]);
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { rv: this.rv, rows };
  }

  /**
   * Every current object of one resource in key order, frozen and shared; the array is reused until
   * the resource next changes. For small, hot, read-only lists (webhook configurations, APIServices).
   */
  snapshot(gr: GroupResource): readonly KubeObject[] {
    const res = resourceKey(gr);
    if (this.depth > 0 && this.overlay.has(res)) return this.list(gr).items.map(deepFreeze);
    let items = this.snapshots.get(res);
    if (!items) {
      const m = this.committed(res);
      items = Object.freeze([...m.keys()].sort().map((k) => {
        const e = m.get(k) as Entry;
        return (e.obj ??= deepFreeze(parse(e.data)));
      }));
      this.snapshots.set(res, items);
    }
    return items;
  }

  /** Reads one object or throws 404 NotFound. */
  mustGet(gr: GroupResource, namespace: string, name: string): KubeObject {
    const obj = this.get(gr, namespace, name);
    if (!obj) throw notFound(gr, name);
    return obj;
  }

  /** Lists objects of one resource in key order, optionally one namespace, filtered and paged. */
  list(gr: GroupResource, opts: ListOptions = {}): ListPage {
    const res = resourceKey(gr);
    const after = opts.afterKey ?? '';
    const rows = (
      opts.namespace !== undefined && opts.namespace !== ''
        ? this.st.listNs.iterate(res, after > `${opts.namespace}/` ? after : `${opts.namespace}/`, `${opts.namespace}0`)
        : this.st.listAll.iterate(res, after)
    ) as IterableIterator<{ key: string; data: string }>;
    const items: KubeObject[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let lastKey: string | undefined;
    let more = false;
    for (const row of rows) {
      if (items.length >= limit) {
        more = true;
        break;
      }
      const obj = parse(row.data);
      if (opts.filter && !opts.filter(obj)) continue;
      items.push(obj);
      lastKey = row.key;
    }
    if (more && typeof (rows as { return?: () => void }).return === 'function') (rows as { return: () => void }).return();
    return { items, rv: this.rv, lastKey, more };
  }

  /** Number of stored objects of one resource. */
  count(gr: GroupResource): number {
    return (this.st.count.get(resourceKey(gr)) as { n: number }).n;
  }

  /** Every `group/resource` that has stored objects. */
  storedResources(): string[] {
    return (this.st.resources.all() as { resource: string }[]).map((r) => r.resource);
  }

  /** Creates an object; sets metadata.resourceVersion. 409 AlreadyExists if the key is taken. */
  create(gr: GroupResource, obj: KubeObject): KubeObject {
    const { namespace, name } = this.keyOf(obj);
    return this.write(() => {
      if (this.entry(resourceKey(gr), objectKey(namespace, name))) throw alreadyExists(gr, name);
      return this.commit('ADDED', gr, namespace, name, obj, undefined);
    });
  }

  /**
   * Replaces an object. With `expectedRv`, 409 Conflict unless it is the stored resourceVersion.
   * 404 when the object does not exist.
   */
  update(gr: GroupResource, obj: KubeObject, expectedRv?: string): KubeObject {
    const { namespace, name } = this.keyOf(obj);
    return this.write(() => {
      const cur = this.peek(gr, namespace, name);
      if (!cur) throw notFound(gr, name);
      if (expectedRv !== undefined && expectedRv !== '' && cur.metadata?.resourceVersion !== expectedRv) {
        throw conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      return this.commit('MODIFIED', gr, namespace, name, obj, cur);
    });
  }

  /**
   * Reads, transforms and writes one object atomically. `fn` returns the new object, or undefined
   * to leave it unchanged (no new resourceVersion). Returns what is stored afterwards.
   */
  guaranteedUpdate(gr: GroupResource, namespace: string, name: string, fn: (cur: KubeObject) => KubeObject | undefined): KubeObject {
    return this.write(() => {
      const next = fn(this.mustGet(gr, namespace, name));
      if (next === undefined) return this.mustGet(gr, namespace, name);
      return this.commit('MODIFIED', gr, namespace, name, next, this.peek(gr, namespace, name));
    });
  }

  /** Removes an object, recording a DELETED event carrying its final state at a new resourceVersion. */
  delete(gr: GroupResource, namespace: string, name: string, precondition?: { uid?: string; resourceVersion?: string }): KubeObject {
    return this.write(() => {
      const cur = this.mustGet(gr, namespace, name);
      if (precondition?.uid && cur.metadata?.uid !== precondition.uid) {
        throw conflict(gr, name, `Precondition failed: UID in precondition: ${precondition.uid}, UID in object meta: ${cur.metadata?.uid ?? ''}`);
      }
      if (precondition?.resourceVersion && cur.metadata?.resourceVersion !== precondition.resourceVersion) {
        throw conflict(
          gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${precondition.resourceVersion}, ResourceVersion in meta: ${cur.metadata?.resourceVersion ?? ''}`,
        );
      }
      return this.commit('DELETED', gr, namespace, name, cur, cur);
    });
  }

  /** Events of one resource after `rv`, oldest first. Throws 410 Expired when `rv` predates the history. */
  eventsSince(gr: GroupResource, rv: number): StoreEvent[] {
    if (rv < this.compacted) throw gone(`too old resource version: ${rv} (${this.compacted + 1})`);
    const rows = this.st.since.all(rv, resourceKey(gr)) as {
      rv: number;
      type: EventType;
      resource: string;
      namespace: string;
      name: string;
      data: string;
    }[];
    return rows.map((r) => ({ type: r.type, resource: r.resource, namespace: r.namespace, name: r.name, rv: r.rv, object: parse(r.data) }));
  }

  /** Registers a listener for every committed event; returns the unsubscribe function. */
  subscribe(l: StoreListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The most recent WAL checkpoints and how long they took, and why the worker cannot run if it cannot (diagnostics). */
  checkpoints(): { readonly recent: readonly CheckpointRecord[]; readonly failure?: string } {
    return { recent: this.checkpointer.recent(), failure: this.checkpointer.failure };
  }

  /** Closes the database (committing the open batch first). */
  close(): void {
    this.commitBatch();
    this.listeners.clear();
    this.checkpointer.close();
    this.db.close();
  }

  private keyOf(obj: KubeObject): { namespace: string; name: string } {
    return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
  }

  private pending: StoreEvent[] = [];
  private transaction: ((f: () => unknown) => unknown) | undefined;
  private depth = 0;
  /** True while this turn's SQLite transaction is open (committed by commitBatch). */
  private batchOpen = false;

  /** Opens this turn's transaction, to be committed once the turn's callbacks are done; false when it was open already. */
  private openBatch(): boolean {
    if (this.batchOpen) return false;
    this.st.begin.run();
    this.batchOpen = true;
    batchOpened();
    setImmediate(() => this.commitBatch());
    return true;
  }

  /** Rolls back the batch that only a failed write was in (nothing else to keep); answers waiting for it go. */
  private abandonBatch(): void {
    if (!this.batchOpen) return;
    this.batchOpen = false;
    try {
      if (this.db.inTransaction) this.st.rollback.run();
    } catch {
      // the transaction is gone already
    }
    batchClosed();
  }

  /**
   * Commits the open batch; answers waiting for it go out. Should the commit fail, the batch is
   * rolled back, the memory cache (which already showed its writes) is dropped and reloaded from
   * SQLite on the next read, and the waiting answers become 500s.
   */
  commitBatch(): void {
    if (!this.batchOpen) return;
    this.batchOpen = false;
    let failed: unknown;
    try {
      this.st.commit.run();
    } catch (err) {
      failed = err;
      try {
        if (this.db.inTransaction) this.st.rollback.run();
      } catch {
        // the transaction is gone already
      }
      this.cache.clear();
      this.snapshots.clear();
      this.rv = Math.max((this.st.getMeta.get('rv') as { v: number }).v, (this.st.maxEventRv.get() as { v: number | null }).v ?? 0);
      this.compacted = (this.st.getMeta.get('compacted') as { v: number }).v;
    }
    batchClosed(failed);
  }

  /** Runs `fn` atomically (nested calls join it); listeners hear the events once it succeeded. */
  write<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const startRv = this.rv;
    this.depth++;
    let result: T;
    let first = false;
    try {
      first = this.openBatch();
      // The batch's first write needs no savepoint: if it fails, the whole batch goes. Later ones run in
      // a savepoint (better-sqlite3's transaction inside the open one), so a failed write undoes only itself.
      result = first ? fn() : ((this.transaction ??= this.db.transaction((f: () => unknown) => f()))(fn) as T);
    } catch (err) {
      if (first) this.abandonBatch();
      this.rv = startRv;
      this.pending = [];
      // A resource first loaded inside the failed transaction may hold its rolled-back rows.
      for (const res of this.overlay.keys()) this.cache.delete(res);
      this.overlay = new Map();
      throw err;
    } finally {
      this.depth--;
    }
    this.publish();
    const evs = this.pending;
    this.pending = [];
    this.maybeCompact(evs.length);
    this.checkpointer.committed(evs.length);
    for (const ev of evs) for (const l of this.listeners) l(ev);
    return result;
  }

  /** Merges the committed transaction's writes into the memory cache. */
  private publish(): void {
    for (const [res, writes] of this.overlay) {
      this.snapshots.delete(res);
      const m = this.cache.get(res);
      if (!m) continue; // not loaded yet: the first read loads the committed rows
      for (const [key, e] of writes) {
        if (e) m.set(key, e);
        else m.delete(key);
      }
    }
    this.overlay = new Map();
  }

  private commit(type: EventType, gr: GroupResource, namespace: string, name: string, obj: KubeObject, prev: KubeObject | undefined): KubeObject {
    const rv = this.rv + 1;
    const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    const data = JSON.stringify(stored);
    rememberJson(stored, data);
    const res = resourceKey(gr);
    const key = objectKey(namespace, name);
    // The replaced object's event row, kept past compaction only because it held that object's JSON, goes now.
    const before = type === 'ADDED' ? undefined : this.entry(res, key);
    if (before && before.rv <= this.compacted) this.st.dropEvent.run(before.rv);
    if (type === 'DELETED') this.st.del.run(res, key);
    else this.st.upsert.run(res, key, namespace, rv);
    this.st.event.run(rv, type, res, namespace, name, data);
    this.rv = rv;
    let writes = this.overlay.get(res);
    if (!writes) this.overlay.set(res, (writes = new Map()));
    writes.set(key, type === 'DELETED' ? null : { data, rv });
    this.pending.push({ type, resource: res, namespace, name, rv, object: stored, prev });
    return stored;
  }

  private maybeCompact(n: number): void {
    this.writesSinceCompaction += n;
    if (this.writesSinceCompaction < Math.max(1, Math.floor(this.historySize / 10))) return;
    this.writesSinceCompaction = 0;
    const upTo = this.rv - this.historySize;
    if (upTo <= this.compacted) return;
    this.db.transaction(() => {
      this.st.compact.run(this.compacted, upTo);
      this.st.setMeta.run(upTo, 'compacted');
      this.st.setMeta.run(this.rv, 'rv');
    })();
    this.compacted = upTo;
  }
}
