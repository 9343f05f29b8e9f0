/**
 * The `kubernetes` Service in `default` (cluster IP the first address of the service range, port
 * 443 named https) and its Endpoints and EndpointSlice pointing at the API server's own address,
 * as kube-apiserver's master endpoint reconciler keeps them: written at start, put back when
 * deleted or changed.
 */
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { storageGr, systemUser, type Caller, type RestDeps } from '../rest/context.js';
import { createObject, updateObject } from '../rest/write.js';

/** The first address of the default service CIDR 10.96.0.0/12. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const KUBERNETES_SERVICE = 'kubernetes';
const NS = 'default';
const caller: Caller = { user: systemUser, dryRun: false, fieldManager: 'kube-apiserver' };

/** Where the API server is reachable. */
export interface MasterAddress {
  readonly ip: string;
  readonly port: number;
}

/** The desired Service (its spec fields the reconciler owns). */
export function masterService(addr: MasterAddress, clusterIP: string | undefined = KUBERNETES_SERVICE_IP): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE, namespace: NS, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      ...(clusterIP ? { clusterIP } : {}),
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: addr.port }],
    },
  };
}

/** The desired Endpoints: the server's address, port named https; not mirrored into slices (the server writes its own). */
export function masterEndpoints(addr: MasterAddress): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: KUBERNETES_SERVICE, namespace: NS, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: addr.ip }], ports: [{ name: 'https', port: addr.port, protocol: 'TCP' }] }],
  };
}

/** The desired EndpointSlice `kubernetes`. */
export function masterEndpointSlice(addr: MasterAddress): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: KUBERNETES_SERVICE, namespace: NS, labels: { 'kubernetes.io/service-name': KUBERNETES_SERVICE } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [addr.ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port: addr.port, protocol: 'TCP' }],
  };
}

/** JSON with object keys sorted, so stored key order never makes equal content look different. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const owned = (o: KubeObject): string => canonical([(o.spec as { ports?: unknown } | undefined)?.ports, o.subsets, o.endpoints, o.ports, o.addressType, o.metadata?.labels]);

async function ensure(deps: RestDeps, want: KubeObject, fallback?: KubeObject): Promise<void> {
  const r = deps.registry.lookupKind(want.apiVersion ?? '', want.kind ?? '');
  if (!r) return;
  const live = deps.store.peek(storageGr(r), NS, KUBERNETES_SERVICE);
  try {
    if (!live) {
      try {
        await createObject(deps, r, NS, want, caller);
      } catch (err) {
        // The first address may belong to an older Service: take any free one.
        if (!(fallback && err instanceof StatusError && err.code === 422)) throw err;
        await createObject(deps, r, NS, fallback, caller);
      }
      return;
    }
    const next = structuredClone(live) as KubeObject & Record<string, unknown>;
    next.metadata = { ...next.metadata, labels: { ...live.metadata?.labels, ...want.metadata?.labels } };
    if (want.spec) next.spec = { ...(live.spec as object), ports: (want.spec as { ports: unknown }).ports };
    for (const k of ['subsets', 'endpoints', 'ports', 'addressType'] as const) if (want[k] !== undefined) next[k] = want[k];
    if (owned(next) !== owned(live)) await updateObject(deps, r, NS, KUBERNETES_SERVICE, next, caller);
  } catch (err) {
    if (!(err instanceof StatusError && (err.code === 409 || err.code === 404))) throw err;
  }
}

/** Writes the Service, Endpoints and EndpointSlice once. */
export async function reconcileMasterService(deps: RestDeps, addr: MasterAddress): Promise<void> {
  await ensure(deps, masterService(addr), masterService(addr, undefined));
  await ensure(deps, masterEndpoints(addr));
  await ensure(deps, masterEndpointSlice(addr));
}

/** Reconciles now, then whenever one of the three objects changes or goes away; returns a stop function. */
export async function startMasterServiceReconciler(deps: RestDeps, addr: MasterAddress): Promise<() => void> {
  await reconcileMasterService(deps, addr);
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void reconcileMasterService(deps, addr)
      .catch((err: unknown) => {
        if (process.env.KUBEVIRT_TS_DEBUG) console.error(`master service: ${String(err)}`);
      })
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const watched = new Set(['/services', '/endpoints', 'discovery.k8s.io/endpointslices']);
  return deps.store.subscribe((ev) => {
    if (ev.namespace === NS && ev.name === KUBERNETES_SERVICE && watched.has(ev.resource)) run();
  });
}
