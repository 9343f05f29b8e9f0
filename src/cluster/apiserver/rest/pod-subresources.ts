/**
 * pods/binding (the scheduler's write: sets spec.nodeName once) and pods/eviction (a delete
 * through the eviction API that honours the pod's PodDisruptionBudget, as kube-apiserver does).
 */
import { StatusError, badRequest, conflict, forbiddenError, type KubeObject, type Status } from '../../../api/meta/index.js';
import { podReady, podsOf, type PdbStatus } from '../controllers/disruption.js';
import type { ServedResource } from '../registry/registry.js';
import { storageGr, type Caller, type RestDeps } from './context.js';
import { deleteObject, type DeleteOptions } from './delete.js';

const success = (): Status => ({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 });

/** POST pods/{name}/binding: assigns the pod to a node, 409 if it already has one. */
export function bindPod(deps: RestDeps, pods: ServedResource, namespace: string, name: string, body: KubeObject): Status {
  const target = (body.target ?? {}) as { kind?: string; name?: string };
  if (!target.name) throw badRequest('Binding target.name is required');
  if (target.kind && target.kind !== 'Node') throw badRequest(`Binding target.kind must be Node, not ${target.kind}`);
  const gr = storageGr(pods);
  deps.store.guaranteedUpdate(gr, namespace, name, (pod) => {
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict(gr, name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict(gr, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    const annotations = { ...pod.metadata?.annotations, ...(body.metadata?.annotations ?? {}) };
    return { ...pod, metadata: { ...pod.metadata, annotations }, spec: { ...spec, nodeName: target.name } };
  });
  return success();
}

const pdbGr = { group: 'policy', resource: 'poddisruptionbudgets' };
const violation = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', violation, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

/** The PDBs whose selector matches the pod (same namespace). */
function budgetsOf(deps: RestDeps, pod: KubeObject): KubeObject[] {
  const ns = pod.metadata?.namespace ?? '';
  return deps.store
    .list(pdbGr, { namespace: ns })
    .items.filter((pdb) => podsOf(deps, pdb).some((p) => p.metadata?.name === pod.metadata?.name));
}

/**
 * Takes one disruption from the PDB (recording the pod in disruptedPods) or throws 429 when none
 * is allowed. Unready pods may go without one while the budget is otherwise met (IfHealthyBudget).
 */
function takeDisruption(deps: RestDeps, pdb: KubeObject, pod: KubeObject, dryRun: boolean): void {
  const name = pdb.metadata?.name ?? '';
  deps.store.guaranteedUpdate(pdbGr, pdb.metadata?.namespace ?? '', name, (cur) => {
    const st = (cur.status ?? {}) as Partial<PdbStatus>;
    if ((st.observedGeneration ?? 0) < (cur.metadata?.generation ?? 0)) throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
    const policy = (cur.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
    if (!podReady(pod) && (policy === 'AlwaysAllow' || (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0))) return undefined;
    const allowed = st.disruptionsAllowed ?? 0;
    if (allowed < 0) throw forbiddenError('pdb disruptions allowed is negative');
    if (allowed === 0) throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
    if (dryRun) return undefined;
    const disruptedPods = { ...st.disruptedPods, [pod.metadata?.name ?? '']: `${deps.now().toISOString().slice(0, 19)}Z` };
    return { ...cur, status: { ...st, disruptionsAllowed: allowed - 1, disruptedPods } };
  });
}

/** POST pods/{name}/eviction: deletes the pod with the eviction's DeleteOptions unless its PDB forbids it (429). */
export async function evictPod(deps: RestDeps, pods: ServedResource, namespace: string, name: string, body: KubeObject, caller: Caller): Promise<Status> {
  const opts = (body.deleteOptions ?? {}) as DeleteOptions;
  const pod = deps.store.mustGet(storageGr(pods), namespace, name);
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  const ignoreBudgets = pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
  if (!ignoreBudgets) {
    const budgets = budgetsOf(deps, pod);
    if (budgets.length > 1) throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (budgets[0]) takeDisruption(deps, budgets[0], pod, caller.dryRun);
  }
  await deleteObject(deps, pods, namespace, name, opts, caller);
  return success();
}
