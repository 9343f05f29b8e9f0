/**
 * The endpoints and EndpointSlice controllers of kube-controller-manager, run in the API server:
 * for every Service with a selector (not ExternalName), an Endpoints object of the same name and
 * managed EndpointSlices kept equal to the pods the selector matches. Services without a selector
 * keep the Endpoints their users write; a deleted Service loses its Endpoints (slices go by GC).
 */
import { StatusError, type KubeObject } from '../../../../api/meta/index.js';
import { storageGr, type RestDeps } from '../../rest/context.js';
import { deleteObject } from '../../rest/delete.js';
import { createObject, updateObject } from '../../rest/write.js';
import type { ServedResource } from '../../registry/registry.js';
import type { StoreEvent } from '../../store/store.js';
import { controllerCaller, runController, type RunningController } from '../controller.js';
import { selectorMatches, serviceSpec } from './pods.js';
import { planSlices, sliceContents, SERVICE_NAME_LABEL, SLICE_CONTROLLER, SLICE_MANAGED_BY } from './slices.js';
import { desiredEndpoints, ENDPOINTS_CONTROLLER, ENDPOINTS_MANAGED_BY, sameEndpoints } from './subsets.js';

const svcGr = { group: '', resource: 'services' };
const podGr = { group: '', resource: 'pods' };
const endpointsCaller = controllerCaller('endpoint-controller');
const slicesCaller = controllerCaller('endpointslice-controller');

/** True when the controllers manage this Service's endpoints. */
export function managesEndpoints(svc: KubeObject): boolean {
  const spec = serviceSpec(svc);
  return spec.selector !== undefined && spec.selector !== null && spec.type !== 'ExternalName';
}

function podsFor(deps: RestDeps, svc: KubeObject): KubeObject[] {
  const selector = serviceSpec(svc).selector ?? {};
  return deps.store.list(podGr, { namespace: svc.metadata?.namespace ?? '', filter: (p) => selectorMatches(selector, p.metadata?.labels) }).items;
}

/** Ignores the errors a racing writer or a terminating namespace cause; the next event retries. */
function tolerated(err: unknown): boolean {
  return err instanceof StatusError && (err.code === 404 || err.code === 409 || err.code === 403);
}

async function syncEndpoints(deps: RestDeps, r: ServedResource, svc: KubeObject, pods: readonly KubeObject[]): Promise<void> {
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const current = deps.store.peek(storageGr(r), ns, name);
  const want = desiredEndpoints(svc, pods, current ? structuredClone(current) : undefined);
  if (current && sameEndpoints(current, want)) return;
  if (current) await updateObject(deps, r, ns, name, want, endpointsCaller);
  else await createObject(deps, r, ns, want, endpointsCaller);
}

async function syncSlices(deps: RestDeps, r: ServedResource, svc: KubeObject, pods: readonly KubeObject[]): Promise<void> {
  const ns = svc.metadata?.namespace ?? '';
  const existing = managedSlices(deps, r, ns, svc.metadata?.name ?? '').filter((s) => s.metadata?.ownerReferences?.some((o) => o.uid === svc.metadata?.uid));
  const plan = planSlices(svc, existing, sliceContents(svc, pods));
  for (const s of plan.update) await updateObject(deps, r, ns, s.metadata?.name ?? '', s, slicesCaller);
  for (const s of plan.create) await createObject(deps, r, ns, s, slicesCaller);
  for (const s of plan.delete) await deleteObject(deps, r, ns, s.metadata?.name ?? '', {}, slicesCaller);
}

function managedSlices(deps: RestDeps, r: ServedResource, ns: string, service: string): KubeObject[] {
  return deps.store.list(storageGr(r), {
    namespace: ns,
    filter: (s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === service && s.metadata.labels[SLICE_MANAGED_BY] === SLICE_CONTROLLER,
  }).items;
}

async function reconcile(deps: RestDeps, key: string): Promise<void> {
  const [ns = '', name = ''] = key.split('/');
  const epR = deps.registry.lookup('', 'v1', 'endpoints');
  const sliceR = deps.registry.lookup('discovery.k8s.io', 'v1', 'endpointslices');
  const svc = deps.store.peek(svcGr, ns, name);
  try {
    if (!svc) {
      // The Service is gone: its Endpoints go too (managed slices are owned, so GC removes them).
      if (epR && deps.store.peek(storageGr(epR), ns, name)?.metadata?.labels?.[ENDPOINTS_MANAGED_BY] === ENDPOINTS_CONTROLLER) {
        await deleteObject(deps, epR, ns, name, {}, endpointsCaller);
      }
      return;
    }
    if (!managesEndpoints(svc) || svc.metadata?.deletionTimestamp) return;
    const pods = podsFor(deps, svc);
    if (epR) await syncEndpoints(deps, epR, svc, pods);
    if (sliceR) await syncSlices(deps, sliceR, svc, pods);
  } catch (err) {
    if (!tolerated(err)) throw err;
  }
}

/** Managed Services by namespace, per store snapshot of Services (rebuilt only when a Service changes). */
const managedByNamespace = new WeakMap<readonly KubeObject[], Map<string, KubeObject[]>>();

/** The Services of one namespace whose endpoints the controllers manage, in key order, without reading SQLite. */
function managedServicesIn(deps: Pick<RestDeps, 'store'>, namespace: string): readonly KubeObject[] {
  const all = deps.store.snapshot(svcGr);
  let index = managedByNamespace.get(all);
  if (!index) {
    index = new Map();
    for (const s of all) {
      if (!managesEndpoints(s)) continue;
      const ns = s.metadata?.namespace ?? '';
      const list = index.get(ns);
      if (list) list.push(s);
      else index.set(ns, [s]);
    }
    managedByNamespace.set(all, index);
  }
  return index.get(namespace) ?? [];
}

/** Service keys an event touches: the Service itself, the owner of Endpoints/slices, or the Services selecting a pod. */
export function serviceKeysOf(deps: Pick<RestDeps, 'store'>, ev: StoreEvent): string[] {
  switch (ev.resource) {
    case '/services':
      return [`${ev.namespace}/${ev.name}`];
    case '/endpoints':
      return [`${ev.namespace}/${ev.name}`];
    case 'discovery.k8s.io/endpointslices': {
      const svc = ev.object.metadata?.labels?.[SERVICE_NAME_LABEL];
      return svc ? [`${ev.namespace}/${svc}`] : [];
    }
    case '/pods': {
      const services = managedServicesIn(deps, ev.namespace);
      if (services.length === 0) return [];
      const labels = [ev.object.metadata?.labels, ev.prev?.metadata?.labels];
      return services
        .filter((s) => labels.some((l) => l !== undefined && selectorMatches(serviceSpec(s).selector ?? {}, l)))
        .map((s) => `${ev.namespace}/${s.metadata?.name ?? ''}`);
    }
    default:
      return [];
  }
}

/** Starts the endpoints and EndpointSlice controllers (every Service is synced once at start). */
export function startEndpointsController(deps: RestDeps): RunningController {
  const key = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  // Managed Endpoints too, so those whose Service went away while the server was down are removed.
  const leftover = deps.store.snapshot({ group: '', resource: 'endpoints' }).filter((e) => e.metadata?.labels?.[ENDPOINTS_MANAGED_BY] === ENDPOINTS_CONTROLLER);
  const initial = [...new Set([...deps.store.snapshot(svcGr), ...leftover].map(key))];
  return runController(deps, 'endpoints', (ev) => serviceKeysOf(deps, ev), (key) => reconcile(deps, key), initial);
}
