/**
 * APIService objects (apiregistration.k8s.io/v1) as the aggregator reads them: which group-version
 * a path belongs to, and the discovery entries of aggregated groups.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import { decodeCaBundle, serviceServerName } from '../admission/call.js';
import type { BackendTarget } from './proxy.js';

export interface APIServiceSpec {
  readonly group?: string;
  readonly version?: string;
  /** Absent for Local APIServices (served by this server). */
  readonly service?: { readonly namespace: string; readonly name: string; readonly port?: number } | null;
  readonly caBundle?: string;
  readonly insecureSkipTLSVerify?: boolean;
  readonly groupPriorityMinimum?: number;
  readonly versionPriority?: number;
}

/** The spec of an APIService object. */
export function specOf(apiService: KubeObject): APIServiceSpec {
  return (apiService.spec ?? {});
}

/** The group and version a request path addresses: `/apis/<group>/<version>[/...]`. */
export function groupVersionOfPath(path: string): { group: string; version: string } | undefined {
  const clean = path.split('?', 1)[0] ?? '';
  const m = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(clean);
  return m ? { group: decodeURIComponent(m[1]!), version: decodeURIComponent(m[2]!) } : undefined;
}

/** The non-Local APIService serving `path`, if any. */
export function apiServiceForPath(path: string, apiServices: readonly KubeObject[]): KubeObject | undefined {
  const gv = groupVersionOfPath(path);
  if (!gv) return undefined;
  return apiServices.find((s) => {
    const spec = specOf(s);
    return spec.service && spec.group === gv.group && spec.version === gv.version;
  });
}

/** True when the APIService's Available condition is True. */
export function isAvailable(apiService: KubeObject): boolean {
  const conds = ((apiService.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conds.some((c) => c.type === 'Available' && c.status === 'True');
}

/** metav1.APIGroup entries for the groups served by aggregated (non-Local) APIServices, versions by priority. */
export function aggregatedGroups(apiServices: readonly KubeObject[]): Record<string, unknown>[] {
  const byGroup = new Map<string, APIServiceSpec[]>();
  for (const s of apiServices) {
    const spec = specOf(s);
    if (!spec.service || !spec.group || !spec.version) continue;
    byGroup.set(spec.group, [...(byGroup.get(spec.group) ?? []), spec]);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, specs]) => {
      const versions = [...specs]
        .sort((a, b) => (b.versionPriority ?? 0) - (a.versionPriority ?? 0) || (a.version ?? '').localeCompare(b.version ?? ''))
        .map((s) => ({ groupVersion: `${name}/${s.version}`, version: s.version }));
      return { name, versions, preferredVersion: versions[0] };
    });
}

/** How to reach and verify the backend of an aggregated APIService at a resolved address. */
export function backendTarget(apiService: KubeObject, addr: { host: string; port: number }): BackendTarget {
  const spec = specOf(apiService);
  const svc = spec.service;
  const ca = decodeCaBundle(spec.caBundle);
  return {
    host: addr.host,
    port: addr.port,
    servername: svc ? serviceServerName(svc.namespace, svc.name) : addr.host,
    insecureSkipTLSVerify: spec.insecureSkipTLSVerify ?? false,
    ...(ca ? { ca } : {}),
  };
}
