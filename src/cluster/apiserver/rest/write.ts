/**
 * create, update (main resource and status subresource) and patch: metadata rules, defaults,
 * validation, admission, generation, no-op detection, optimistic concurrency with retries.
 */
import {
  StatusError,
  badRequest,
  conflict,
  forbiddenError,
  invalidObject,
  notFound,
  unsupportedMediaType,
  type FieldError,
  type KubeObject,
  type ManagedFieldsEntry,
} from '../../../api/meta/index.js';
import { jsonRoundTrip } from '../../../api/meta/json.js';
import type { PatchType } from '../contracts.js';
import type { ServedResource } from '../registry/registry.js';
import { apiVersionOf } from '../registry/registry.js';
import { withCheckedReference } from '../crd/reference.js';
import { asServed, asServedOnce, asStored, storageGr, type Caller, type RestDeps } from './context.js';
import { initMetaForCreate, preserveMetaOnUpdate, sameObject, sameSpec, validateMeta, type NameRule } from './objectmeta.js';

const namespacesGr = { group: '', resource: 'namespaces' };

/** A deep copy of a JSON value (what the store holds): about twice as fast as structuredClone. */

function nameRule(r: ServedResource): NameRule {
  if (r.info.group === '' && r.info.plural === 'namespaces') return 'label';
  if (r.info.group === 'rbac.authorization.k8s.io') return 'path';
  return 'subdomain';
}

const tracksGeneration = (r: ServedResource): boolean => r.crd !== undefined || r.info.hasGeneration === true;
const hasStatus = (r: ServedResource): boolean => r.info.subresources.includes('status');

/** Checks apiVersion/kind of a body against the resource, filling them when absent. */
function checkTypeMeta(r: ServedResource, obj: KubeObject): void {
  const want = apiVersionOf(r.info);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== r.info.kind) {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.info.kind})`);
  }
  obj.apiVersion = want;
  obj.kind = r.info.kind;
}

function checkNamespace(r: ServedResource, obj: KubeObject, namespace: string): void {
  const meta = (obj.metadata ??= {});
  if (!r.info.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  meta.namespace = namespace;
}

function ensureValid(r: ServedResource, obj: KubeObject, errs: readonly FieldError[]): void {
  if (errs.length > 0) throw invalidObject({ group: r.info.group, kind: r.info.kind }, obj.metadata?.name ?? '', errs);
}

async function admit(deps: RestDeps, r: ServedResource, caller: Caller, op: 'CREATE' | 'UPDATE', obj: KubeObject, old: KubeObject | undefined, subresource?: string): Promise<KubeObject> {
  const chain = deps.modules.admission;
  if (!chain) return obj;
  const base = { resource: r, operation: op, subresource, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', oldObject: old, user: caller.user, dryRun: caller.dryRun };
  const mutated = (await chain.admit({ ...base, object: obj, phase: 'mutating' })) ?? obj;
  if (mutated !== obj) {
    // What webhooks changed is defaulted and validated again, as kube-apiserver validates after mutation.
    // Their patches are copy-on-write: custom resources skip the subtrees still shared with `obj` (checked already).
    const errs = withCheckedReference(mutated, obj, () => {
      r.hooks.defaults?.(mutated);
      return [...validateMeta(mutated.metadata ?? {}, nameRule(r)), ...(r.hooks.validate?.(mutated, old) ?? [])];
    });
    ensureValid(r, mutated, errs);
  }
  await chain.admit({ ...base, object: mutated, phase: 'validating' });
  return mutated;
}

function managedFieldsFor(deps: RestDeps, r: ServedResource, old: KubeObject | undefined, next: KubeObject, caller: Caller, subresource?: string): void {
  const p = deps.modules.patches;
  if (!p) return;
  (next.metadata ??= {}).managedFields = p.updateManagedFields(r.info, old, next, caller.fieldManager, subresource);
}

/** Prepares a new object: defaults, validation, metadata; returns it ready to store (`body` itself when owned). */
function prepareCreate(deps: RestDeps, r: ServedResource, namespace: string, body: KubeObject, caller: Caller, owned: boolean): KubeObject {
  const obj = owned ? body : jsonRoundTrip(body);
  checkTypeMeta(r, obj);
  checkNamespace(r, obj, namespace);
  if (obj.metadata?.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  initMetaForCreate(obj, deps.now());
  if (!tracksGeneration(r)) delete obj.metadata?.generation;
  if (r.crd && hasStatus(r)) delete obj.status;
  r.hooks.prepareForCreate?.(obj);
  r.hooks.defaults?.(obj);
  ensureValid(r, obj, [...validateMeta(obj.metadata ?? {}, nameRule(r)), ...(r.hooks.validate?.(obj, undefined) ?? [])]);
  if (!obj.metadata?.managedFields) managedFieldsFor(deps, r, undefined, obj, caller);
  return obj;
}

function checkNamespaceOpen(deps: RestDeps, r: ServedResource, namespace: string, name: string): void {
  if (!r.info.namespaced) return;
  const ns = deps.store.peek(namespacesGr, '', namespace);
  if (!ns) throw notFound(namespacesGr, namespace);
  if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    const gr = r.info.group ? `${r.info.plural}.${r.info.group}` : r.info.plural;
    throw forbiddenError(`${gr} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      name,
      group: r.info.group,
      kind: r.info.plural,
      causes: [{ message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

/** Options of a create. */
export interface CreateOptions {
  /** The body is the caller's to give away (e.g. freshly decoded from a request): it is changed and stored instead of a copy. */
  readonly bodyOwned?: boolean;
}

/** POST: creates an object (dry-run: validates and returns it without storing). */
export async function createObject(deps: RestDeps, r: ServedResource, namespace: string, body: KubeObject, caller: Caller, opts: CreateOptions = {}): Promise<KubeObject> {
  let obj = prepareCreate(deps, r, namespace, body, caller, opts.bodyOwned === true);
  checkNamespaceOpen(deps, r, namespace, obj.metadata?.name ?? '');
  obj = await admit(deps, r, caller, 'CREATE', obj, undefined);
  if (caller.dryRun) return asServed(r, obj);
  return asServedOnce(r, deps.store.create(storageGr(r), asStored(r, obj)));
}

/** Options of an update: which subresource, and whether the body's resourceVersion binds. */
export interface UpdateOptions {
  readonly subresource?: string;
  /** The body is the caller's to give away (freshly decoded from a request): the first attempt works on it instead of a copy. */
  readonly bodyOwned?: boolean;
}


/** Applies update rules to `next` given the live object; returns the object to store (built on `nextIn` itself when owned). */
function prepareUpdate(deps: RestDeps, r: ServedResource, live: KubeObject, nextIn: KubeObject, caller: Caller, subresource: string | undefined, owned: boolean): KubeObject {
  // A status write keeps only the status of what it is given (below): only that is worth copying.
  let next = owned ? nextIn : subresource === 'status' ? { ...nextIn, metadata: { ...nextIn.metadata }, status: jsonRoundTrip(nextIn.status) } : jsonRoundTrip(nextIn);
  checkTypeMeta(r, next);
  next.metadata ??= {};
  next.metadata.namespace = live.metadata?.namespace;
  if (!r.info.namespaced) delete next.metadata.namespace;
  if (subresource === 'status') {
    next = { ...jsonRoundTrip({ ...live, status: undefined }), status: next.status };
    if (next.status === undefined) delete next.status;
  } else if (hasStatus(r)) {
    next.status = jsonRoundTrip(live.status);
    if (next.status === undefined) delete next.status;
  }
  const errs = preserveMetaOnUpdate(next, live);
  if (tracksGeneration(r) && subresource !== 'status' && !sameSpec(next, live)) {
    next.metadata = { ...next.metadata, generation: (live.metadata?.generation ?? 0) + 1 };
  }
  // Custom resources: schema validation skips what equals the live object (upstream's CRD validation ratcheting).
  const schemaErrs = withCheckedReference(
    next,
    live,
    () => {
      r.hooks.defaults?.(next);
      r.hooks.prepareForUpdate?.(next, live);
      return r.hooks.validate?.(next, live) ?? [];
    },
    'equal',
  );
  ensureValid(r, next, [...errs, ...validateMeta(next.metadata ?? {}, nameRule(r)), ...schemaErrs]);
  return next;
}

/**
 * The shared read-modify-write loop of update, patch and subresource writes (scale). `mutate`
 * builds the desired object from the live one (read only: deeply frozen in parts) without changing
 * its argument; prepareUpdate works on a copy of what it returns. Conflicts caused by concurrent writers are retried
 * unless the caller pinned a resourceVersion.
 */
export async function updateLoop(
  deps: RestDeps,
  r: ServedResource,
  namespace: string,
  name: string,
  caller: Caller,
  subresource: string | undefined,
  mutate: (live: KubeObject) => KubeObject,
  managedFields?: (live: KubeObject, next: KubeObject) => void,
  ownedFirst = false,
): Promise<KubeObject> {
  const gr = storageGr(r);
  for (let attempt = 0; ; attempt++) {
    // The frozen shared copy: store.update reads the same one (as the event's previous object).
    const stored = deps.store.peek(gr, namespace, name);
    if (!stored) throw notFound(gr, name);
    // `live` shares the stored object's frozen parts: mutators copy what they change (prepareUpdate clones `desired`).
    // Nobody changes it, so it keeps the stored JSON (admission sends it as the old object without serialising it).
    const live = asServedOnce(r, stored);
    const desired = mutate(live);
    const pinned = desired.metadata?.resourceVersion;
    if (pinned && pinned !== live.metadata?.resourceVersion) {
      throw conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    // Only the first attempt may work on what mutate returned in place; a retry works on a copy (defaults are idempotent).
    let next = prepareUpdate(deps, r, live, desired, caller, subresource, ownedFirst && attempt === 0);
    if (managedFields) managedFields(live, next);
    else managedFieldsFor(deps, r, live, next, caller, subresource);
    if (sameObject(next, live)) return live;
    next = await admit(deps, r, caller, 'UPDATE', next, live, subresource);
    if (caller.dryRun) return next;
    try {
      return asServedOnce(r, finishUpdate(deps, r, next, live.metadata?.resourceVersion ?? ''));
    } catch (err) {
      const retry = err instanceof StatusError && err.reason === 'Conflict' && !pinned && attempt < 10;
      if (!retry) throw err;
    }
  }
}

/** Stores an update; an object being deleted whose last finalizer is gone is deleted instead. */
function finishUpdate(deps: RestDeps, r: ServedResource, next: KubeObject, expectedRv: string): KubeObject {
  const gr = storageGr(r);
  const meta = next.metadata ?? {};
  const done = meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0;
  if (!done) return deps.store.update(gr, asStored(r, next), expectedRv);
  return deps.store.write(() => {
    deps.store.update(gr, asStored(r, next), expectedRv);
    return deps.store.delete(gr, meta.namespace ?? '', meta.name ?? '');
  });
}

/** PUT: replaces an object (or its status). 409 on a stale resourceVersion. */
export async function updateObject(deps: RestDeps, r: ServedResource, namespace: string, name: string, body: KubeObject, caller: Caller, opts: UpdateOptions = {}): Promise<KubeObject> {
  const bodyName = body.metadata?.name;
  if (bodyName !== undefined && bodyName !== name) {
    throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
  }
  if (r.info.namespaced && body.metadata?.namespace && body.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return updateLoop(deps, r, namespace, name, caller, opts.subresource, () => ({ ...body, metadata: { ...body.metadata, name } }), undefined, opts.bodyOwned === true);
}

/** Options of a patch request. */
export interface PatchOptions {
  readonly subresource?: string;
  readonly force?: boolean;
}

/** PATCH with any of the four patch types; server-side apply may create the object. */
export async function patchObject(
  deps: RestDeps,
  r: ServedResource,
  namespace: string,
  name: string,
  type: PatchType,
  patch: unknown,
  caller: Caller,
  opts: PatchOptions = {},
): Promise<KubeObject> {
  const p = deps.modules.patches;
  if (!p) throw unsupportedMediaType('patches are not supported by this server yet');
  if (type !== 'apply') {
    return updateLoop(deps, r, namespace, name, caller, opts.subresource, (live) => p.applyPatch(type, r.info, live, patch));
  }
  const applied = patch as KubeObject;
  if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw badRequest('the body of an apply patch must be an object');
  const appliedName = applied.metadata?.name;
  if (appliedName !== undefined && appliedName !== name) {
    throw badRequest(`the name of the object (${appliedName}) does not match the name on the URL (${name})`);
  }
  const opts2 = { manager: caller.fieldManager, force: opts.force === true };
  const live = deps.store.get(storageGr(r), namespace, name);
  if (!live) {
    const res = p.serverSideApply(r.info, undefined, { ...applied, metadata: { ...applied.metadata, name } }, opts2);
    const obj = { ...res.object, metadata: { ...res.object.metadata, managedFields: res.managedFields } };
    return createObject(deps, r, namespace, obj, caller);
  }
  let managed: ManagedFieldsEntry[] | undefined;
  return updateLoop(
    deps,
    r,
    namespace,
    name,
    caller,
    opts.subresource,
    (cur) => {
      const res = p.serverSideApply(r.info, cur, applied, opts2);
      managed = res.managedFields;
      return res.object;
    },
    (_live, next) => {
      (next.metadata ??= {}).managedFields = managed;
    },
  );
}
