/**
 * pods/binding (the scheduler's write: sets spec.nodeName once) and pods/eviction (a delete
 * through the eviction API; PodDisruptionBudgets are not evaluated yet).
 */
import { badRequest, conflict, type KubeObject, type Status } from '../../../api/meta/index.js';
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

/** POST pods/{name}/eviction: deletes the pod with the eviction's DeleteOptions. */
export async function evictPod(deps: RestDeps, pods: ServedResource, namespace: string, name: string, body: KubeObject, caller: Caller): Promise<Status> {
  const opts = (body.deleteOptions ?? {}) as DeleteOptions;
  await deleteObject(deps, pods, namespace, name, opts, caller);
  return success();
}
