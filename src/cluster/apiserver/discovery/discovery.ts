/**
 * Legacy discovery documents (/api, /api/v1, /apis, /apis/G, /apis/G/V) built from the resource
 * registry, with kube-version ordering of group versions.
 */
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';

/** Sort key of Kubernetes versions: GA > beta > alpha, higher numbers first (v1 > v1beta2 > v1alpha1). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const level = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa && !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (!pa) return 1;
  if (!pb) return -1;
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return 0;
}

/** Verbs a subresource answers. */
export function subresourceVerbs(sub: string): string[] {
  switch (sub) {
    case 'status':
    case 'scale':
    case 'finalize':
    case 'approval':
      return sub === 'finalize' ? ['update'] : ['get', 'patch', 'update'];
    case 'log':
      return ['get'];
    case 'exec':
    case 'attach':
    case 'portforward':
      return ['create', 'get'];
    case 'proxy':
      return ['create', 'delete', 'get', 'patch', 'update'];
    default:
      return ['create'];
  }
}

function groupVersions(reg: ResourceRegistry): Map<string, string[]> {
  const m = new Map<string, Set<string>>();
  for (const r of reg.all()) {
    let s = m.get(r.info.group);
    if (!s) m.set(r.info.group, (s = new Set()));
    s.add(r.info.version);
  }
  return new Map([...m].map(([g, vs]) => [g, [...vs].sort(compareKubeVersions)]));
}

/** GET /api */
export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: readonly string[]) {
  const vs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** GET /apis: every non-core group, with its preferred version first. */
export function apiGroupList(reg: ResourceRegistry) {
  const groups = [...groupVersions(reg)].filter(([g]) => g !== '').sort(([a], [b]) => (a < b ? -1 : 1));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([g, vs]) => groupDoc(g, vs)) };
}

/** GET /apis/G, or undefined when the group is not served. */
export function apiGroup(reg: ResourceRegistry, group: string) {
  const vs = groupVersions(reg).get(group);
  if (!vs || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) };
}

function resourceEntries(r: ServedResource) {
  const i = r.info;
  const main: Record<string, unknown> = {
    name: i.plural,
    singularName: i.singular,
    namespaced: i.namespaced,
    kind: i.kind,
    verbs: [...i.verbs],
  };
  if (i.shortNames.length > 0) main.shortNames = [...i.shortNames];
  if (i.categories.length > 0) main.categories = [...i.categories];
  const subs = i.subresources.map((s) => ({
    name: `${i.plural}/${s}`,
    singularName: '',
    namespaced: i.namespaced,
    kind: s === 'scale' ? 'Scale' : s === 'eviction' ? 'Eviction' : s === 'binding' ? 'Binding' : s === 'token' ? 'TokenRequest' : i.kind,
    verbs: subresourceVerbs(s),
    ...(s === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
  }));
  return [main, ...subs];
}

/** GET /api/v1 or /apis/G/V, or undefined when not served. */
export function apiResourceList(reg: ResourceRegistry, group: string, version: string) {
  const rs = reg.all().filter((r) => r.info.group === group && r.info.version === version);
  if (rs.length === 0) return undefined;
  rs.sort((a, b) => (a.info.plural < b.info.plural ? -1 : 1));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: rs.flatMap(resourceEntries),
  };
}

/** GET /version */
export function versionInfo() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0+kubevirt-ts',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
