/**
 * One watch: the initial state (or history replay from a resourceVersion), then live events,
 * filtered by namespace/name/selectors with ADDED/DELETED synthesised when an object enters or
 * leaves the selection, plus periodic BOOKMARKs.
 */
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { apiVersionOf } from '../registry/registry.js';
import { asServed, asServedOnce, storageGr, type RestDeps } from '../rest/context.js';
import { selects, type Selection } from '../rest/read.js';
import { resourceKey, type StoreEvent } from '../store/store.js';
import type { WatchHub } from './hub.js';

/** watch.Event types on the wire. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** What to watch and how. */
export interface WatchSpec {
  readonly resource: ServedResource;
  /** '' for all namespaces. */
  readonly namespace: string;
  readonly selection: Selection;
  readonly resourceVersion?: string;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents?: boolean;
  readonly bookmarkIntervalMs?: number;
}

/** Receives each event to send; returns false when the client cannot take more right now. */
export type WatchSink = (type: WatchEventType, object: unknown) => void;

/** The served form of each stored event object per version, shared by every watcher of the event (sinks only read it). */
const served = new WeakMap<KubeObject, Map<string, KubeObject>>();

function servedOnce(r: WatchSpec['resource'], obj: KubeObject): KubeObject {
  const version = apiVersionOf(r.info);
  let byVersion = served.get(obj);
  if (!byVersion) served.set(obj, (byVersion = new Map()));
  let out = byVersion.get(version);
  if (!out) byVersion.set(version, (out = asServedOnce(r, obj)));
  return out;
}

/** Starts a watch; returns a function that stops it. Throws StatusError 410 before any event when too old. */
export function startWatch(deps: RestDeps, hub: WatchHub, spec: WatchSpec, sink: WatchSink): () => void {
  const r = spec.resource;
  const gr = storageGr(r);
  const matches = (o: KubeObject | undefined, shared = false): boolean => {
    if (!o) return false;
    if (spec.namespace && o.metadata?.namespace !== spec.namespace) return false;
    return selects(deps, r, spec.selection, o, shared);
  };
  // An event's objects are shared by every watcher of it and never changed (matches(o, true)).
  const send = (ev: StoreEvent): void => {
    const now = matches(ev.object, true);
    if (ev.type === 'ADDED' || ev.prev === undefined) {
      if (now) sink(ev.type, servedOnce(r, ev.object));
      return;
    }
    const before = matches(ev.prev, true);
    if (ev.type === 'DELETED') {
      if (before || now) sink('DELETED', servedOnce(r, ev.object));
    } else if (now && before) sink('MODIFIED', servedOnce(r, ev.object));
    else if (now) sink('ADDED', servedOnce(r, ev.object));
    else if (before) sink('DELETED', servedOnce(r, ev.object));
  };
  // Dispatch is synchronous after each commit, so every event up to currentRv has been delivered.
  const bookmark = (initialEnd: boolean): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(deps.store.currentRv()) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    sink('BOOKMARK', { apiVersion: apiVersionOf(r.info), kind: r.info.kind, metadata });
  };
  const rvParam = spec.resourceVersion ?? '';
  const fromState = rvParam === '' || rvParam === '0' || spec.sendInitialEvents === true;
  if (fromState) {
    for (const o of deps.store.list(gr, { namespace: spec.namespace || undefined, filter: matches }).items) sink('ADDED', asServed(r, o));
    if (spec.sendInitialEvents && spec.allowBookmarks) bookmark(true);
  } else {
    const from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) throw new StatusError(400, 'BadRequest', `invalid resource version: ${rvParam}`);
    for (const ev of deps.store.eventsSince(gr, from)) {
      if (!spec.namespace || ev.namespace === spec.namespace) {
        if (matches(ev.object)) sink(ev.type, asServed(r, ev.object));
      }
    }
  }
  const stop = hub.listen(resourceKey(gr), (ev) => {
    if (spec.namespace && ev.namespace !== spec.namespace) return;
    send(ev);
  });
  const timer = spec.allowBookmarks ? setInterval(() => bookmark(false), spec.bookmarkIntervalMs ?? 15_000) : undefined;
  timer?.unref();
  return () => {
    stop();
    if (timer) clearInterval(timer);
  };
}
