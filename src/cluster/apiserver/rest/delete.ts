/**
 * DELETE and deletecollection: preconditions, propagation policy (Orphan/Background/Foreground as
 * finalizers the garbage collector acts on), finalizers -> deletionTimestamp, graceful pod deletion.
 */
import { badRequest, conflict, type KubeObject, type Status } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { asServed, asStored, storageGr, type Caller, type RestDeps } from './context.js';
import { rfc3339 } from './objectmeta.js';
import { listObjects, type ListQuery } from './read.js';

/** metav1.DeleteOptions (body or query parameters). */
export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: string;
  readonly orphanDependents?: boolean;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
}

/** The result of a delete: the object (still present or just removed) and whether it is gone. */
export interface DeleteResult {
  readonly object: KubeObject;
  readonly deleted: boolean;
}

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

function policyOf(opts: DeleteOptions): 'Orphan' | 'Background' | 'Foreground' {
  const p = opts.propagationPolicy;
  if (p !== undefined && p !== 'Orphan' && p !== 'Background' && p !== 'Foreground') {
    throw badRequest(`propagationPolicy: Unsupported value: "${p}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (p && opts.orphanDependents !== undefined) throw badRequest('orphanDependents and deletionPropagation cannot be both set');
  return p ?? (opts.orphanDependents ? 'Orphan' : 'Background');
}

const isPod = (r: ServedResource): boolean => r.info.group === '' && r.info.plural === 'pods';
const isNamespace = (r: ServedResource): boolean => r.info.group === '' && r.info.plural === 'namespaces';

/** Namespaces are never deleted directly: they turn Terminating and the namespace controller empties them. */
function terminateNamespace(deps: RestDeps, r: ServedResource, live: KubeObject, caller: Caller): DeleteResult {
  if (live.metadata?.deletionTimestamp) return { object: live, deleted: false };
  const next = structuredClone(live);
  next.metadata = { ...next.metadata, deletionTimestamp: rfc3339(deps.now()), deletionGracePeriodSeconds: 0 };
  next.status = { ...((next.status) ?? {}), phase: 'Terminating' };
  if (caller.dryRun) return { object: next, deleted: false };
  return { object: asServed(r, deps.store.update(storageGr(r), asStored(r, next), live.metadata?.resourceVersion)), deleted: false };
}

/** Grace period for this object: pods that may be running get one, everything else is 0. */
function graceOf(r: ServedResource, obj: KubeObject, opts: DeleteOptions): number {
  if (!isPod(r)) return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  if (!Number.isInteger(g) || g < 0) throw badRequest(`invalid gracePeriodSeconds: ${g}`);
  return g;
}

function checkPreconditions(r: ServedResource, live: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const name = live.metadata?.name ?? '';
  if (pre?.uid && pre.uid !== live.metadata?.uid) {
    throw conflict(storageGr(r), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata?.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== live.metadata?.resourceVersion) {
    throw conflict(
      storageGr(r),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${live.metadata?.resourceVersion ?? ''}`,
    );
  }
}

/** Finalizers after applying the propagation policy to the live ones. */
function finalizersFor(policy: 'Orphan' | 'Background' | 'Foreground', explicit: boolean, live: readonly string[]): string[] {
  const set = new Set(live);
  if (policy === 'Orphan') {
    set.add(ORPHAN_FINALIZER);
    set.delete(FOREGROUND_FINALIZER);
  } else if (policy === 'Foreground') {
    set.add(FOREGROUND_FINALIZER);
    set.delete(ORPHAN_FINALIZER);
  } else if (explicit) {
    set.delete(ORPHAN_FINALIZER);
    set.delete(FOREGROUND_FINALIZER);
  }
  return [...set];
}

/** DELETE one object. Objects with finalizers or a grace period get a deletionTimestamp instead. */
export async function deleteObject(deps: RestDeps, r: ServedResource, namespace: string, name: string, opts: DeleteOptions, caller: Caller): Promise<DeleteResult> {
  const gr = storageGr(r);
  const policy = policyOf(opts);
  const live = asServed(r, deps.store.mustGet(gr, namespace, name));
  checkPreconditions(r, live, opts);
  if (deps.modules.admission) {
    await deps.modules.admission.admit({ resource: r, operation: 'DELETE', namespace, name, oldObject: live, user: caller.user, dryRun: caller.dryRun, phase: 'validating' });
  }
  if (isNamespace(r)) return terminateNamespace(deps, r, live, caller);
  const grace = graceOf(r, live, opts);
  const meta = live.metadata ?? {};
  const explicit = opts.propagationPolicy !== undefined || opts.orphanDependents !== undefined;
  const finalizers = finalizersFor(policy, explicit, meta.finalizers ?? []);
  const now = deps.now();
  if (finalizers.length === 0 && (grace === 0 || meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) === 0)) {
    if (caller.dryRun) return { object: live, deleted: true };
    return { object: asServed(r, deps.store.delete(gr, namespace, name, { uid: meta.uid })), deleted: true };
  }
  const next: KubeObject = structuredClone(live);
  const nm = (next.metadata ??= {});
  nm.finalizers = finalizers;
  if (finalizers.length === 0) delete nm.finalizers;
  const prevGrace = meta.deletionGracePeriodSeconds;
  if (!meta.deletionTimestamp || (prevGrace !== undefined && grace < prevGrace)) {
    nm.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
    nm.deletionGracePeriodSeconds = grace;
  }
  if (finalizers.length === 0 && grace === 0) {
    if (caller.dryRun) return { object: live, deleted: true };
    return { object: asServed(r, deps.store.delete(gr, namespace, name, { uid: meta.uid })), deleted: true };
  }
  if (caller.dryRun) return { object: next, deleted: false };
  return { object: asServed(r, deps.store.update(gr, asStored(r, next), meta.resourceVersion)), deleted: false };
}

/** The metav1.Status kube-apiserver answers for an immediate delete. */
export function deletedStatus(r: ServedResource, obj: KubeObject): Status {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata?.name ?? '', group: r.info.group, kind: r.info.plural, uid: obj.metadata?.uid ?? '' },
    code: 200,
  };
}

/** DELETE on a collection: deletes every object the selectors match; returns the list of them. */
export async function deleteCollection(deps: RestDeps, r: ServedResource, namespace: string, q: ListQuery, opts: DeleteOptions, caller: Caller) {
  const list = listObjects(deps, r, namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
  const items: KubeObject[] = [];
  for (const obj of list.items) {
    try {
      const res = await deleteObject(deps, r, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', opts, caller);
      items.push(res.object);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && (err as { code: unknown }).code === 404)) throw err;
    }
  }
  return { ...list, items };
}
