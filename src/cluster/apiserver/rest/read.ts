/**
 * get and list: label/field selectors through the selectors module, limit/continue pagination
 * with a continue token carrying the list's resourceVersion (pages are consistent with the first).
 */
import { StatusError, badRequest, type KubeList, type KubeObject } from '../../../api/meta/index.js';
import { listSnapshotsOf } from './list-snapshots.js';
import type { FieldMatcher, LabelMatcher } from '../contracts.js';
import type { ServedResource } from '../registry/registry.js';
import { apiVersionOf } from '../registry/registry.js';
import { asServed, storageGr, type RestDeps } from './context.js';

/** List query parameters, as strings from the URL. */
export interface ListQuery {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: string;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

interface ContinueToken {
  readonly v: string;
  readonly rv: number;
  readonly start: string;
}

/** Encodes a continue token (base64 JSON as kube-apiserver's). */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');
}

/** Decodes a continue token or throws 400. */
export function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** Compiled selectors of a list or watch request; undefined members match everything. */
export interface Selection {
  readonly labels?: LabelMatcher;
  readonly fields?: FieldMatcher;
}

/** Parses labelSelector/fieldSelector with the selectors module. */
export function parseSelection(deps: RestDeps, r: ServedResource, q: { labelSelector?: string; fieldSelector?: string }): Selection {
  const sel = deps.modules.selectors;
  const wantLabels = q.labelSelector !== undefined && q.labelSelector.trim() !== '';
  const wantFields = q.fieldSelector !== undefined && q.fieldSelector.trim() !== '';
  if ((wantLabels || wantFields) && !sel) throw badRequest('label and field selectors are not supported by this server yet');
  const labels = wantLabels && sel ? sel.parseLabelSelector(q.labelSelector ?? '') : undefined;
  const fields = wantFields && sel ? sel.parseFieldSelector(q.fieldSelector ?? '', r.info) : undefined;
  return { labels: labels && !labels.empty ? labels : undefined, fields: fields && !fields.empty ? fields : undefined };
}

/** The selectable field values of obj as r serves it (stored objects may be in another's form); undefined without a selectors module. */
export function fieldsOf(deps: RestDeps, r: ServedResource, obj: KubeObject): Record<string, string> | undefined {
  return deps.modules.selectors?.selectableFields(r.info, r.sharedStorage ? asServed(r, obj) : obj);
}

/** True when obj passes the selection (live watch events test theirs in watch.ts, with field values shared per event). */
export function selects(deps: RestDeps, r: ServedResource, s: Selection, obj: KubeObject): boolean {
  if (s.labels && !s.labels.matches(obj.metadata?.labels)) return false;
  if (!s.fields) return true;
  const fields = fieldsOf(deps, r, obj);
  return fields === undefined || s.fields.matches(fields);
}

/** GET of one object. */
export function getObject(deps: RestDeps, r: ServedResource, namespace: string, name: string): KubeObject {
  return asServed(r, deps.store.mustGet(storageGr(r), namespace, name));
}

const expiredMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** A continue token's resourceVersion meaning "whatever is current" (the fresh token of a 410). */
const latestRv = -1;

/** 410 Expired carrying a fresh, inconsistent continue token from the same key. */
function expiredContinue(start: string): StatusError {
  return new StatusError(410, 'Expired', expiredMessage, undefined, { listMeta: { continue: encodeContinue(latestRv, start) } });
}

interface Page {
  readonly items: KubeObject[];
  readonly more: boolean;
  readonly lastKey?: string;
}

/** One page of a snapshot's rows: up to `limit` accepted objects, and whether rows remain. */
function pageOf(rows: Iterable<readonly [string, string]>, limit: number, filter: ((o: KubeObject) => boolean) | undefined): Page {
  const items: KubeObject[] = [];
  let lastKey: string | undefined;
  for (const [key, data] of rows) {
    if (limit > 0 && items.length >= limit) return { items, more: true, lastKey };
    const obj = JSON.parse(data) as KubeObject;
    if (filter && !filter(obj)) continue;
    items.push(obj);
    lastKey = key;
  }
  return { items, more: false, lastKey };
}

/**
 * LIST: one page of matching objects in key order. A first page with more to come keeps a
 * snapshot so that continued pages show the list as of its resourceVersion.
 */
export function listObjects(deps: RestDeps, r: ServedResource, namespace: string, q: ListQuery): KubeList {
  const selection = parseSelection(deps, r, q);
  let limit = 0;
  if (q.limit !== undefined && q.limit !== '') {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid value for limit: ${q.limit}`);
  }
  const gr = storageGr(r);
  const filter = selection.labels || selection.fields ? (o: KubeObject) => selects(deps, r, selection, o) : undefined;
  const snapshots = listSnapshotsOf(deps.store);
  const fromStore = (afterKey?: string): Page & { rv: number } => deps.store.list(gr, { namespace: namespace || undefined, afterKey, limit, filter });
  let page: Page;
  let rv: number;
  const t = q.continue ? decodeContinue(q.continue) : undefined;
  if (t && t.rv !== latestRv) {
    const rows = t.rv >= deps.store.compactedRv() ? snapshots.rowsAfter(gr, namespace, t.rv, t.start) : undefined;
    if (rows) page = pageOf(rows, limit, filter);
    else if (t.rv === deps.store.currentRv()) page = fromStore(t.start);
    else throw expiredContinue(t.start);
    rv = t.rv;
  } else {
    const p = fromStore(t?.start);
    if (p.more) snapshots.take(gr, namespace, p.rv);
    page = p;
    rv = p.rv;
  }
  const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
  if (page.more && page.lastKey !== undefined) metadata.continue = encodeContinue(rv, page.lastKey);
  return {
    apiVersion: apiVersionOf(r.info),
    kind: r.info.listKind,
    metadata,
    items: page.items.map((o) => asServed(r, o)),
  };
}
