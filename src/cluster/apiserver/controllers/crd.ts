/**
 * The CRD registry: every accepted CustomResourceDefinition is compiled and served (within the
 * same event-loop turn as its write), gets NamesAccepted/Established conditions and the cleanup
 * finalizer; deleting a CRD deletes its objects, then stops serving it.
 */
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import type { CompiledCrdVersion } from '../contracts.js';
import type { ServedResource } from '../registry/registry.js';
import { canonical } from '../../../api/meta/json.js';
import { crdPrinter } from '../rest/table.js';
import type { RestDeps } from '../rest/context.js';
import { deleteObject } from '../rest/delete.js';
import { rfc3339 } from '../rest/objectmeta.js';
import { controllerCaller, runController, type RunningController } from './controller.js';

const crdGr = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const caller = controllerCaller('apiextensions-controller');

interface CrdSpec {
  group: string;
  scope?: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions?: { name: string; served?: boolean; storage?: boolean }[];
}

const specOf = (crd: KubeObject): CrdSpec => crd.spec as CrdSpec;

/** ServedResources for a compiled CRD (served versions only). */
export function servedFromCompiled(deps: RestDeps, crdName: string, versions: readonly CompiledCrdVersion[]): ServedResource[] {
  const storage = versions.find((v) => v.storage)?.info.version ?? versions[0]?.info.version ?? '';
  return versions
    .filter((v) => v.served)
    .map((v) => ({
      info: v.info,
      storageVersion: storage,
      crd: crdName,
      ...(v.scale ? { scale: v.scale } : {}),
      hooks: {
        defaults: (o: KubeObject) => v.pruneAndDefault(o),
        validate: (o: KubeObject) => v.validate(o),
        printer: crdPrinter(v.printerColumns, deps.now),
        openAPIV3Schema: v.openAPIV3Schema,
      },
    }));
}

function namesConflict(deps: RestDeps, crd: KubeObject): string | undefined {
  const s = specOf(crd);
  for (const r of deps.registry.all()) {
    if (r.info.group !== s.group || r.crd === crd.metadata?.name) continue;
    if (r.info.plural === s.names.plural) return `"${s.names.plural}" is already in use`;
    if (r.info.kind === s.names.kind) return `"${s.names.kind}" is already in use`;
  }
  return undefined;
}

function register(deps: RestDeps, crd: KubeObject): string | undefined {
  const name = crd.metadata?.name ?? '';
  const mod = deps.modules.crds;
  if (!mod) return 'CRD support is not available';
  const conflictMsg = namesConflict(deps, crd);
  if (conflictMsg) return conflictMsg;
  deps.registry.setCrd(name, servedFromCompiled(deps, name, mod.compile(crd)));
  return undefined;
}

function condition(type: string, ok: boolean, reason: string, message: string, prev: KubeObject['status']) {
  const old = ((prev as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  return { type, status, reason, message, lastTransitionTime: old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(new Date()) };
}

function desiredStatus(crd: KubeObject, problem: string | undefined): Record<string, unknown> {
  const s = specOf(crd);
  const prev = crd.status as { storedVersions?: string[] } | undefined;
  const storage = (s.versions ?? []).find((v) => v.storage)?.name;
  const stored = new Set(prev?.storedVersions ?? []);
  if (storage && !problem) stored.add(storage);
  const names = { ...s.names, singular: s.names.singular || s.names.kind.toLowerCase(), listKind: s.names.listKind || `${s.names.kind}List` };
  return {
    conditions: problem
      ? [condition('NamesAccepted', false, 'NameConflict', problem, crd.status), condition('Established', false, 'NotAccepted', 'not all names are accepted', crd.status)]
      : [
          condition('NamesAccepted', true, 'NoConflicts', 'no conflicts found', crd.status),
          condition('Established', true, 'InitialNamesAccepted', 'the initial names have been accepted', crd.status),
        ],
    acceptedNames: problem ? { plural: '', kind: '' } : names,
    storedVersions: [...stored],
  };
}

async function cleanup(deps: RestDeps, crd: KubeObject, requeue: (ms: number) => void): Promise<void> {
  const s = specOf(crd);
  const gr = { group: s.group, resource: s.names.plural };
  const served = deps.registry.all().find((r) => r.crd === crd.metadata?.name);
  const items = deps.store.list(gr).items;
  for (const o of items) {
    if (o.metadata?.deletionTimestamp) continue;
    try {
      if (served) await deleteObject(deps, served, o.metadata?.namespace ?? '', o.metadata?.name ?? '', {}, caller);
      else deps.store.delete(gr, o.metadata?.namespace ?? '', o.metadata?.name ?? '');
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  if (deps.store.list(gr, { limit: 1 }).items.length > 0) {
    requeue(200);
    return;
  }
  deps.registry.setCrd(crd.metadata?.name ?? '', []);
  const finalizers = (crd.metadata?.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
  deps.store.write(() => {
    const updated = deps.store.update(crdGr, { ...crd, metadata: { ...crd.metadata, finalizers } }, crd.metadata?.resourceVersion);
    if (finalizers.length === 0) deps.store.delete(crdGr, '', updated.metadata?.name ?? '');
  });
}

async function reconcile(deps: RestDeps, name: string, requeue: (ms: number) => void): Promise<void> {
  const crd = deps.store.get(crdGr, '', name);
  if (!crd) {
    deps.registry.setCrd(name, []);
    return;
  }
  if (crd.metadata?.deletionTimestamp) {
    await cleanup(deps, crd, requeue);
    return;
  }
  const problem = register(deps, crd);
  const status = desiredStatus(crd, problem);
  const finalizers = crd.metadata?.finalizers ?? [];
  const needFinalizer = !finalizers.includes(CRD_CLEANUP_FINALIZER);
  if (!needFinalizer && canonical(status) === canonical(crd.status)) return;
  deps.store.guaranteedUpdate(crdGr, '', name, (cur) => {
    if (cur.metadata?.uid !== crd.metadata?.uid) return undefined;
    const f = cur.metadata?.finalizers ?? [];
    return { ...cur, metadata: { ...cur.metadata, finalizers: f.includes(CRD_CLEANUP_FINALIZER) ? f : [...f, CRD_CLEANUP_FINALIZER] }, status: desiredStatus(cur, problem) };
  });
}

/** Starts the CRD registry; existing CRDs are served before this returns. */
export function startCrdController(deps: RestDeps): RunningController {
  const crds = deps.store.list(crdGr).items;
  for (const crd of crds) {
    if (crd.metadata?.deletionTimestamp) continue;
    try {
      register(deps, crd);
    } catch {
      // reconciled (and reported in status) by the controller below
    }
  }
  const c = runController(
    deps,
    'crd',
    (ev) => {
      if (ev.resource !== `${crdGr.group}/${crdGr.resource}`) return [];
      if (ev.type !== 'DELETED') {
        try {
          if (!ev.object.metadata?.deletionTimestamp) register(deps, ev.object);
        } catch {
          // the queued reconcile reports it
        }
      }
      return [ev.name];
    },
    (key) => reconcile(deps, key, (ms) => c.queue.addAfter(key, ms)),
    crds.map((x) => x.metadata?.name ?? ''),
  );
  return c;
}
