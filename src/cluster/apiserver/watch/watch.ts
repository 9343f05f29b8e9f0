/**
 * One watch: the initial state (or history replay from a resourceVersion), then live events,
 * filtered by namespace/name/selectors with ADDED/DELETED synthesised when an object enters or
 * leaves the selection, plus periodic BOOKMARKs.
 */
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { apiVersionOf, type ServedResource } from '../registry/registry.js';
import { asServed, asServedOnce, storageGr, type RestDeps } from '../rest/context.js';
import { fieldsOf, selects, type Selection } from '../rest/read.js';
import type { FieldTerm } from '../selectors/fields.js';
import type { Requirement } from '../selectors/requirement.js';
import { knownJson } from '../store/json-memo.js';
import { resourceKey, type StoreEvent } from '../store/store.js';
import { servedJson } from '../http/served-json.js';
import type { EventShare, IndexTerm, WatchHub } from './hub.js';

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

/**
 * True when a committed object already is its served form at r's version: its JSON (known since
 * the commit) begins with the served apiVersion and kind, so asServed would copy it unchanged.
 */
function servedAsStored(r: ServedResource, o: KubeObject): boolean {
  return servedJson(r, knownJson(o)) !== undefined;
}

/**
 * The served form of an event's object at r's version, shared by every watcher of the event (sinks
 * only read it): the committed object itself when it is already in that form (its JSON is known).
 */
function servedOnce(r: ServedResource, share: EventShare): KubeObject {
  return share.once(r.info, 'served', (ev) => (servedAsStored(r, ev.object) ? ev.object : asServedOnce(r, ev.object)));
}

/** The first `field=value` term of a field selection, when the selectors module says which terms it holds. */
function exactTerm(fields: Selection['fields']): FieldTerm | undefined {
  const terms = (fields as { readonly terms?: readonly FieldTerm[] } | undefined)?.terms;
  return terms?.find((t) => t.op === '=');
}

/** The first requirement of a label selection that needs one value (`key=v`, `key in (v)`), when the matcher says. */
function exactLabel(labels: Selection['labels']): Requirement | undefined {
  const reqs = (labels as { readonly requirements?: readonly Requirement[] } | undefined)?.requirements;
  return reqs?.find((q) => (q.operator === '=' || q.operator === '==' || q.operator === 'in') && q.values.length === 1);
}

/** The `by` of label index terms: labels are tested on the stored objects, alike for every resource. */
const labelTerms = {};

/** A label's value in a stored object, as label requirements read it (own keys only). */
function labelOf(o: KubeObject | undefined, key: string): string | undefined {
  const labels = o?.metadata?.labels;
  return labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** Starts a watch; returns a function that stops it. Throws StatusError 410 before any event when too old. */
export function startWatch(deps: RestDeps, hub: WatchHub, spec: WatchSpec, sink: WatchSink): () => void {
  const r = spec.resource;
  const gr = storageGr(r);
  const matches = (o: KubeObject | undefined): boolean => {
    if (!o) return false;
    if (spec.namespace && o.metadata?.namespace !== spec.namespace) return false;
    return selects(deps, r, spec.selection, o);
  };
  // An event's objects are shared by every watcher of it and never changed: their field values
  // (as r serves them) are read once per event for all watchers of r.
  const fieldsOfObject = (ev: StoreEvent) => fieldsOf(deps, r, ev.object);
  const fieldsOfPrev = (ev: StoreEvent) => (ev.prev ? fieldsOf(deps, r, ev.prev) : undefined);
  const sharedFields = (share: EventShare, prev: boolean) => share.once(r.info, prev ? 'prev' : 'object', prev ? fieldsOfPrev : fieldsOfObject);
  const { labels, fields } = spec.selection;
  // selects() with the event's shared field values.
  const matchesLive = (o: KubeObject | undefined, share: EventShare, prev: boolean): boolean => {
    if (!o) return false;
    if (spec.namespace && o.metadata?.namespace !== spec.namespace) return false;
    if (labels && !labels.matches(o.metadata?.labels)) return false;
    if (!fields) return true;
    const values = sharedFields(share, prev);
    return values === undefined || fields.matches(values);
  };
  const send = (ev: StoreEvent, share: EventShare): void => {
    const now = matchesLive(ev.object, share, false);
    if (ev.type === 'ADDED' || ev.prev === undefined) {
      if (now) sink(ev.type, servedOnce(r, share));
      return;
    }
    const before = matchesLive(ev.prev, share, true);
    if (ev.type === 'DELETED') {
      if (before || now) sink('DELETED', servedOnce(r, share));
    } else if (now && before) sink('MODIFIED', servedOnce(r, share));
    else if (now) sink('ADDED', servedOnce(r, share));
    else if (before) sink('DELETED', servedOnce(r, share));
  };
  // Live events reach this watcher only from its namespace and, when its selection requires a
  // field's or a label's value, only when the object or its previous form has it (hub.ts).
  const t = exactTerm(fields);
  const l = t ? undefined : exactLabel(labels);
  let term: IndexTerm | undefined;
  if (t) term = { by: r.info, field: t.field, value: t.value, read: (share, prev) => sharedFields(share, prev)?.[t.field] ?? '' };
  else if (l) term = { by: labelTerms, field: l.key, value: l.values[0] ?? '', read: (share, prev) => labelOf(prev ? share.ev.prev : share.ev.object, l.key) };
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
  const stop = hub.listen(resourceKey(gr), send, { namespace: spec.namespace, term });
  const timer = spec.allowBookmarks ? setInterval(() => bookmark(false), spec.bookmarkIntervalMs ?? 15_000) : undefined;
  timer?.unref();
  return () => {
    stop();
    if (timer) clearInterval(timer);
  };
}
