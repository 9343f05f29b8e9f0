/**
 * Garbage collection by ownerReferences: dependents whose owners are all gone are deleted
 * (background); owners deleted with the `orphan` finalizer release their dependents; owners with
 * `foregroundDeletion` delete their dependents and wait for blocking ones before going away.
 */
import { StatusError, type KubeObject, type ObjectMeta, type OwnerReference } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { storageGr, type RestDeps } from '../rest/context.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, deleteObject } from '../rest/delete.js';
import { resourceKey, type StoreEvent } from '../store/store.js';
import { controllerCaller, runController, type RunningController } from './controller.js';

const caller = controllerCaller('garbage-collector');

interface Ref {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}
const refKey = (r: Ref): string => `${r.resource}|${r.namespace}|${r.name}`;
function parseRef(key: string): Ref {
  const [resource = '', namespace = '', name = ''] = key.slice(4).split('|');
  return { resource, namespace, name };
}

/** ownerUid -> dependents, maintained from store events. */
class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, Ref>>();

  add(ref: Ref, obj: KubeObject | undefined): void {
    for (const o of obj?.metadata?.ownerReferences ?? []) {
      let m = this.byOwner.get(o.uid);
      if (!m) this.byOwner.set(o.uid, (m = new Map()));
      m.set(refKey(ref), ref);
    }
  }

  remove(ref: Ref, obj: KubeObject | undefined): void {
    for (const o of obj?.metadata?.ownerReferences ?? []) {
      const m = this.byOwner.get(o.uid);
      m?.delete(refKey(ref));
      if (m && m.size === 0) this.byOwner.delete(o.uid);
    }
  }

  dependents(uid: string): Ref[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }
}

/**
 * The objects that exist and are not being deleted, as `resource|namespace|name|uid`: an owner
 * reference found here needs no check, so a new dependent whose owners are all here (a launcher
 * pod of a live VMI) costs the collector no reads. An owner's deletion still reaches its
 * dependents through OwnerIndex.
 */
class LiveObjects {
  private readonly keys = new Set<string>();

  /** Records an object's state from a store event (or the initial list). */
  observe(resource: string, namespace: string, name: string, obj: KubeObject, deleted: boolean): void {
    const key = `${resource}|${namespace}|${name}|${obj.metadata?.uid ?? ''}`;
    if (deleted || obj.metadata?.deletionTimestamp) this.keys.delete(key);
    else this.keys.add(key);
  }

  /** Whether the owner a reference of a dependent in `dependentNs` names exists and is not being deleted. */
  has(deps: RestDeps, dependentNs: string, ref: OwnerReference): boolean {
    const r = deps.registry.lookupKind(ref.apiVersion, ref.kind);
    if (!r) return false;
    return this.keys.has(`${resourceKey(storageGr(r))}|${r.info.namespaced ? dependentNs : ''}|${ref.name}|${ref.uid}`);
  }
}

/** The resource of a storage key `group/plural`. */
function resourceOf(deps: RestDeps, key: string): ServedResource | undefined {
  return deps.registry.storedResources().find((r) => resourceKey(storageGr(r)) === key);
}

/** The live owner an ownerReference points at (same uid), or undefined. */
function liveOwner(deps: RestDeps, dependentNs: string, ref: OwnerReference): KubeObject | undefined {
  const r = deps.registry.lookupKind(ref.apiVersion, ref.kind);
  if (!r) return undefined;
  const o = deps.store.get(storageGr(r), r.info.namespaced ? dependentNs : '', ref.name);
  return o?.metadata?.uid === ref.uid ? o : undefined;
}

function ignoreGone(err: unknown): void {
  if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
}

async function reconcileDependent(deps: RestDeps, ref: Ref): Promise<void> {
  const r = resourceOf(deps, ref.resource);
  if (!r) return;
  const obj = deps.store.get(storageGr(r), ref.namespace, ref.name);
  const owners = obj?.metadata?.ownerReferences ?? [];
  if (!obj || owners.length === 0) return;
  // An owner of a kind not served (yet) cannot be judged: leave the dependent alone.
  if (owners.some((o) => !deps.registry.lookupKind(o.apiVersion, o.kind))) return;
  const live = owners.map((o) => ({ ref: o, owner: liveOwner(deps, ref.namespace, o) }));
  const alive = live.filter((x) => x.owner && !x.owner.metadata?.deletionTimestamp);
  if (alive.length > 0) {
    const dangling = new Set(live.filter((x) => !x.owner).map((x) => x.ref.uid));
    if (dangling.size === 0) return;
    deps.store.guaranteedUpdate(storageGr(r), ref.namespace, ref.name, (cur) => {
      const refs = (cur.metadata?.ownerReferences ?? []).filter((o) => !dangling.has(o.uid));
      return { ...cur, metadata: { ...cur.metadata, ownerReferences: refs } };
    });
    return;
  }
  // Every owner is gone or being deleted. Owners mid-deletion are handled by reconcileOwner.
  if (live.some((x) => x.owner)) return;
  if (obj.metadata?.deletionTimestamp) return;
  try {
    await deleteObject(deps, r, ref.namespace, ref.name, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata?.uid } }, caller);
  } catch (err) {
    ignoreGone(err);
  }
}

function removeFinalizer(deps: RestDeps, r: ServedResource, ref: Ref, uid: string | undefined, finalizer: string): void {
  try {
    const obj = deps.store.mustGet(storageGr(r), ref.namespace, ref.name);
    if (obj.metadata?.uid !== uid) return;
    const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    const meta: ObjectMeta = { ...obj.metadata, finalizers };
    if (finalizers.length === 0) delete meta.finalizers;
    const next = { ...obj, metadata: meta };
    deps.store.write(() => {
      deps.store.update(storageGr(r), next, obj.metadata?.resourceVersion);
      if (finalizers.length === 0 && obj.metadata?.deletionTimestamp && (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
        deps.store.delete(storageGr(r), ref.namespace, ref.name);
      }
    });
  } catch (err) {
    ignoreGone(err);
  }
}

async function reconcileOwner(deps: RestDeps, index: OwnerIndex, ref: Ref, requeue: (ms: number) => void): Promise<void> {
  const r = resourceOf(deps, ref.resource);
  if (!r) return;
  const obj = deps.store.get(storageGr(r), ref.namespace, ref.name);
  if (!obj?.metadata?.deletionTimestamp) return;
  const uid = obj.metadata.uid ?? '';
  const fins = obj.metadata.finalizers ?? [];
  const deps2 = index.dependents(uid);
  if (fins.includes(ORPHAN_FINALIZER)) {
    for (const d of deps2) {
      const dr = resourceOf(deps, d.resource);
      if (!dr) continue;
      try {
        deps.store.guaranteedUpdate(storageGr(dr), d.namespace, d.name, (cur) => {
          const refs = (cur.metadata?.ownerReferences ?? []).filter((o) => o.uid !== uid);
          const m: ObjectMeta = { ...cur.metadata, ownerReferences: refs };
          if (refs.length === 0) delete m.ownerReferences;
          return { ...cur, metadata: m };
        });
      } catch (err) {
        ignoreGone(err);
      }
    }
    removeFinalizer(deps, r, ref, uid, ORPHAN_FINALIZER);
    return;
  }
  if (fins.includes(FOREGROUND_FINALIZER)) {
    let blocking = 0;
    for (const d of deps2) {
      const dr = resourceOf(deps, d.resource);
      const dep = dr && deps.store.get(storageGr(dr), d.namespace, d.name);
      if (!dr || !dep) continue;
      const myRef = dep.metadata?.ownerReferences?.find((o) => o.uid === uid);
      if (myRef?.blockOwnerDeletion) blocking++;
      if (dep.metadata?.deletionTimestamp) continue;
      try {
        await deleteObject(deps, dr, d.namespace, d.name, { propagationPolicy: 'Foreground' }, caller);
      } catch (err) {
        ignoreGone(err);
      }
    }
    if (blocking > 0) {
      requeue(100);
      return;
    }
    removeFinalizer(deps, r, ref, uid, FOREGROUND_FINALIZER);
  }
}

/** Starts the garbage collector. */
export function startGarbageCollector(deps: RestDeps): RunningController {
  const index = new OwnerIndex();
  const live = new LiveObjects();
  const initial: string[] = [];
  for (const r of deps.registry.storedResources()) {
    for (const o of deps.store.list(storageGr(r)).items) {
      const ref = { resource: resourceKey(storageGr(r)), namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' };
      index.add(ref, o);
      live.observe(ref.resource, ref.namespace, ref.name, o, false);
      if (o.metadata?.ownerReferences?.length) initial.push(`dep|${refKey(ref)}`);
      if (o.metadata?.deletionTimestamp) initial.push(`own|${refKey(ref)}`);
    }
  }
  const keysOf = (ev: StoreEvent): string[] => {
    const ref: Ref = { resource: ev.resource, namespace: ev.namespace, name: ev.name };
    index.remove(ref, ev.prev);
    if (ev.type !== 'DELETED') index.add(ref, ev.object);
    live.observe(ev.resource, ev.namespace, ev.name, ev.object, ev.type === 'DELETED');
    const keys: string[] = [];
    const uid = ev.object.metadata?.uid ?? '';
    if (ev.type === 'DELETED' || ev.object.metadata?.deletionTimestamp) {
      for (const d of index.dependents(uid)) keys.push(`dep|${refKey(d)}`);
    }
    if (ev.type !== 'DELETED' && ev.object.metadata?.deletionTimestamp) keys.push(`own|${refKey(ref)}`);
    const owners = ev.object.metadata?.ownerReferences ?? [];
    // A new dependent is checked unless every owner is known to be live (then the check is a no-op).
    if (ev.type === 'ADDED' && owners.length > 0 && !owners.every((o) => live.has(deps, ev.namespace, o))) keys.push(`dep|${refKey(ref)}`);
    if (ev.type === 'DELETED') {
      // A blocking dependent went away: its owners waiting in foreground deletion may finish.
      for (const o of ev.object.metadata?.ownerReferences ?? []) {
        const r = deps.registry.lookupKind(o.apiVersion, o.kind);
        if (r) keys.push(`own|${refKey({ resource: resourceKey(storageGr(r)), namespace: r.info.namespaced ? ev.namespace : '', name: o.name })}`);
      }
    }
    return keys;
  };
  const c = runController(
    deps,
    'garbage-collector',
    keysOf,
    (key) => (key.startsWith('dep|') ? reconcileDependent(deps, parseRef(key)) : reconcileOwner(deps, index, parseRef(key), (ms) => c.queue.addAfter(key, ms))),
    initial,
  );
  return c;
}
