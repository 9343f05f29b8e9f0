/**
 * Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): /api and /apis answer with every
 * group, version and resource in one APIGroupDiscoveryList when the client asks for it in Accept,
 * as kubectl 1.30+ and client-go do; otherwise they keep the legacy documents.
 */
import type { ResourceRegistry } from '../registry/registry.js';
import { apiResourceList, compareKubeVersions } from './discovery.js';

/** The discovery versions a client may ask for, newest first. */
export type AggregatedVersion = 'v2' | 'v2beta1';

/** The Content-Type of an aggregated discovery answer. */
export const aggregatedContentType = (v: AggregatedVersion): string => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

/**
 * The aggregated discovery version the Accept header prefers, or undefined when a legacy document
 * comes first (plain JSON, `*\/*`) or nothing asks for aggregation.
 */
export function wantsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...ps] = part.split(';').map((x) => x.trim());
    const params = new Map(ps.map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const));
    const t = type.toLowerCase();
    if (t !== 'application/json' && t !== '*/*' && t !== 'application/*') continue;
    if (params.get('g') === 'apidiscovery.k8s.io' && params.get('as') === 'APIGroupDiscoveryList') {
      const v = params.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
      continue;
    }
    if (!params.has('as')) return undefined;
  }
  return undefined;
}

/** One legacy APIResource entry (of an APIResourceList), as built locally or read from a backend. */
interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind?: string;
  group?: string;
  version?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** The aggregated resources of one group-version, from its legacy APIResourceList (local, or a backend's: checked). */
export function resourcesFromLegacy(group: string, version: string, list: unknown): Record<string, unknown>[] {
  const raw = (list as { resources?: unknown } | undefined)?.resources;
  const entries = (Array.isArray(raw) ? raw : []).filter((e): e is LegacyResource => typeof (e as LegacyResource | undefined)?.name === 'string');
  const byName = new Map<string, Record<string, unknown> & { subresources: Record<string, unknown>[] }>();
  const kindOf = (e: LegacyResource) => ({ group: e.group ?? group, version: e.version ?? version, kind: e.kind ?? '' });
  for (const e of entries) {
    if (e.name.includes('/')) continue;
    byName.set(e.name, {
      resource: e.name,
      responseKind: kindOf(e),
      scope: e.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: e.singularName ?? '',
      verbs: e.verbs ?? [],
      ...(e.shortNames?.length ? { shortNames: e.shortNames } : {}),
      ...(e.categories?.length ? { categories: e.categories } : {}),
      subresources: [],
    });
  }
  for (const e of entries) {
    const i = e.name.indexOf('/');
    if (i < 0) continue;
    const parent = byName.get(e.name.slice(0, i));
    parent?.subresources.push({ subresource: e.name.slice(i + 1), responseKind: kindOf(e), verbs: e.verbs ?? [] });
  }
  return [...byName.values()].map(({ subresources, ...r }) => (subresources.length > 0 ? { ...r, subresources } : r));
}

/** A group served elsewhere (an aggregated APIService): its versions and, when known, their resources. */
export interface RemoteGroup {
  readonly name: string;
  /** Versions by preference; `resources` undefined marks the version Stale (backend unreachable). */
  readonly versions: readonly { readonly version: string; readonly resources?: Record<string, unknown>[] }[];
}

function groupItem(name: string, versions: RemoteGroup['versions']): Record<string, unknown> {
  return {
    metadata: { name, creationTimestamp: null },
    versions: versions.map((v) => ({ version: v.version, resources: v.resources ?? [], freshness: v.resources ? 'Current' : 'Stale' })),
  };
}

/** The APIGroupDiscoveryList of /api (core only) or /apis (every other group, local and remote). */
export function aggregatedDiscovery(reg: ResourceRegistry, path: '/api' | '/apis', v: AggregatedVersion, remote: readonly RemoteGroup[] = []): Record<string, unknown> {
  const versionsOf = new Map<string, Set<string>>();
  for (const r of reg.all()) {
    if ((r.info.group === '') !== (path === '/api')) continue;
    let s = versionsOf.get(r.info.group);
    if (!s) versionsOf.set(r.info.group, (s = new Set()));
    s.add(r.info.version);
  }
  const local = [...versionsOf.keys()].sort();
  const items = local.map((g) =>
    groupItem(
      g,
      [...(versionsOf.get(g) ?? [])].sort(compareKubeVersions).map((ver) => ({ version: ver, resources: resourcesFromLegacy(g, ver, apiResourceList(reg, g, ver)) })),
    ),
  );
  if (path === '/apis') for (const g of remote) if (!versionsOf.has(g.name)) items.push(groupItem(g.name, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}
