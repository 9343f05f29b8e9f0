/**
 * Namespace lifecycle: a Terminating namespace has its contents deleted (every namespaced
 * resource), then is removed itself; every active namespace has a `default` ServiceAccount and
 * the `kube-root-ca.crt` ConfigMap holding the cluster CA (kube-controller-manager's root CA publisher).
 */
import { StatusError } from '../../../api/meta/index.js';
import type { RestDeps } from '../rest/context.js';
import { storageGr } from '../rest/context.js';
import { deleteObject } from '../rest/delete.js';
import { createObject, updateObject } from '../rest/write.js';
import { ROOT_CA_CONFIGMAP } from '../builtins/index.js';
import { controllerCaller, runController, type RunningController } from './controller.js';

const nsGr = { group: '', resource: 'namespaces' };
const caller = controllerCaller('namespace-controller');

async function ensureDefaultServiceAccount(deps: RestDeps, ns: string): Promise<void> {
  const sa = deps.registry.lookup('', 'v1', 'serviceaccounts');
  if (!sa || deps.store.get(storageGr(sa), ns, 'default')) return;
  try {
    await createObject(deps, sa, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } }, controllerCaller('service-account-controller'));
  } catch (err) {
    if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) return;
    throw err;
  }
}

/** The root CA publisher: ConfigMap kube-root-ca.crt with `ca.crt`, put back when changed or deleted. */
async function ensureRootCa(deps: RestDeps, ns: string): Promise<void> {
  const cm = deps.registry.lookup('', 'v1', 'configmaps');
  if (!cm || !deps.caPem) return;
  const cur = deps.store.peek(storageGr(cm), ns, ROOT_CA_CONFIGMAP);
  const data = { 'ca.crt': deps.caPem };
  const annotations = { 'kubernetes.io/description': ROOT_CA_DESCRIPTION };
  const publisher = controllerCaller('root-ca-cert-publisher');
  try {
    if (!cur) await createObject(deps, cm, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations }, data }, publisher);
    else if ((cur.data as Record<string, string> | undefined)?.['ca.crt'] !== deps.caPem) {
      await updateObject(deps, cm, ns, ROOT_CA_CONFIGMAP, { ...structuredClone(cur), data, metadata: { ...structuredClone(cur.metadata), annotations } }, publisher);
    }
  } catch (err) {
    if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) return;
    throw err;
  }
}

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Deletes everything in `ns`; returns how many objects are still present. */
async function deleteContents(deps: RestDeps, ns: string): Promise<number> {
  let remaining = 0;
  for (const r of deps.registry.storedResources()) {
    if (!r.info.namespaced) continue;
    const items = deps.store.list(storageGr(r), { namespace: ns }).items;
    remaining += items.length;
    for (const o of items) {
      if (o.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).length > 0) continue;
      try {
        await deleteObject(deps, r, ns, o.metadata?.name ?? '', { propagationPolicy: 'Background' }, caller);
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
  }
  return remaining;
}

async function reconcile(deps: RestDeps, name: string, requeue: (ms: number) => void): Promise<void> {
  const ns = deps.store.get(nsGr, '', name);
  if (!ns) return;
  if (!ns.metadata?.deletionTimestamp) {
    await ensureDefaultServiceAccount(deps, name);
    await ensureRootCa(deps, name);
    return;
  }
  await deleteContents(deps, name);
  let left = 0;
  for (const r of deps.registry.storedResources()) if (r.info.namespaced) left += deps.store.list(storageGr(r), { namespace: name, limit: 1 }).items.length;
  if (left > 0) {
    requeue(200);
    return;
  }
  if ((ns.metadata.finalizers ?? []).length > 0) return;
  try {
    deps.store.delete(nsGr, '', name, { uid: ns.metadata.uid });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}

/** Starts the namespace controller. */
export function startNamespaceController(deps: RestDeps): RunningController {
  const initial = deps.store.list(nsGr).items.map((n) => n.metadata?.name ?? '');
  const c = runController(
    deps,
    'namespace',
    (ev) => {
      if (ev.resource === '/namespaces') return ev.type === 'DELETED' ? [] : [ev.name];
      if (ev.resource === '/serviceaccounts' && ev.type === 'DELETED' && ev.name === 'default') return [ev.namespace];
      if (ev.resource === '/configmaps' && ev.name === ROOT_CA_CONFIGMAP && ev.type !== 'ADDED') return [ev.namespace];
      return [];
    },
    (key) => reconcile(deps, key, (ms) => c.queue.addAfter(key, ms)),
    initial,
  );
  return c;
}
