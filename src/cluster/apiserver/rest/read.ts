/**
 * get and list: label/field selectors through the selectors module, limit/continue pagination
 * with a continue token carrying the list's resourceVersion.
 */
import { badRequest, gone, type KubeList, type KubeObject } from '../../../api/meta/index.js';
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
  const fields = wantFields && sel ? sel.parseFieldSelector(q.fieldSelector ?? '') : undefined;
  if (fields && sel) {
    const allowed = new Set(['metadata.name', 'metadata.namespace', ...(r.info.fieldSelectors ?? [])]);
    for (const f of fields.fieldNames) {
      if (!allowed.has(f)) throw badRequest(`field label not supported: ${f}`);
    }
  }
  return { labels: labels && !labels.empty ? labels : undefined, fields: fields && !fields.empty ? fields : undefined };
}

/** True when obj passes the selection. */
export function selects(deps: RestDeps, r: ServedResource, s: Selection, obj: KubeObject): boolean {
  if (s.labels && !s.labels.matches(obj.metadata?.labels)) return false;
  if (s.fields && deps.modules.selectors && !s.fields.matches(deps.modules.selectors.selectableFields(r.info, obj))) return false;
  return true;
}

/** GET of one object. */
export function getObject(deps: RestDeps, r: ServedResource, namespace: string, name: string): KubeObject {
  return asServed(r, deps.store.mustGet(storageGr(r), namespace, name));
}

/** LIST: one page of matching objects in key order. */
export function listObjects(deps: RestDeps, r: ServedResource, namespace: string, q: ListQuery): KubeList {
  const selection = parseSelection(deps, r, q);
  let limit = 0;
  if (q.limit !== undefined && q.limit !== '') {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid value for limit: ${q.limit}`);
  }
  let afterKey: string | undefined;
  let listRv: number | undefined;
  if (q.continue) {
    const t = decodeContinue(q.continue);
    if (t.rv < deps.store.compactedRv()) {
      throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    afterKey = t.start;
    listRv = t.rv;
  }
  const page = deps.store.list(storageGr(r), {
    namespace: namespace || undefined,
    afterKey,
    limit,
    filter: selection.labels || selection.fields ? (o) => selects(deps, r, selection, o) : undefined,
  });
  const rv = listRv ?? page.rv;
  const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
  if (page.more && page.lastKey !== undefined) metadata.continue = encodeContinue(rv, page.lastKey);
  return {
    apiVersion: apiVersionOf(r.info),
    kind: r.info.listKind,
    metadata,
    items: page.items.map((o) => asServed(r, o)),
  };
}
