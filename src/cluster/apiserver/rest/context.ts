/**
 * What every REST operation needs: storage, the resource registry, the optional modules and a
 * clock; and who is calling with which options.
 */
import type { GroupResource, KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import type { ApiModules } from '../modules.js';
import type { ResourceRegistry, ServedResource } from '../registry/registry.js';
import { apiVersionOf } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { knownJson, rememberJson } from '../store/json-memo.js';

/** Dependencies of the REST layer. */
export interface RestDeps {
  readonly store: Store;
  readonly registry: ResourceRegistry;
  readonly modules: ApiModules;
  readonly now: () => Date;
  /** The cluster CA (PEM) published to every namespace as ConfigMap kube-root-ca.crt. */
  readonly caPem?: string;
}

/** The caller of one request and its write options. */
export interface Caller {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  /** fieldManager query parameter, or derived from the User-Agent. */
  readonly fieldManager: string;
}

/** The storage key prefix of a served resource (all its versions share it). */
export const storageGr = (r: ServedResource): GroupResource =>
  r.sharedStorage ? { group: r.sharedStorage.group, resource: r.sharedStorage.resource } : { group: r.info.group, resource: r.info.plural };

/** The object as served at r's version (versions of one resource share a schema). */
export function asServed(r: ServedResource, obj: KubeObject): KubeObject {
  if (r.sharedStorage) return r.sharedStorage.fromStorage(obj);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersionOf(r.info), kind: r.info.kind, ...rest };
}

/** The object as stored (storage version), apiVersion and kind first as served objects have them. */
export function asStored(r: ServedResource, obj: KubeObject): KubeObject {
  if (r.sharedStorage) return r.sharedStorage.toStorage(obj);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersionOf({ group: r.info.group, version: r.storageVersion }), kind: r.info.kind, ...rest };
}

/** True when an object's first two keys are apiVersion and kind (its JSON then equals its served copy's). */
function typeMetaFirst(obj: KubeObject): boolean {
  let i = 0;
  for (const k in obj) {
    if (k !== (i === 0 ? 'apiVersion' : 'kind')) return false;
    if (++i === 2) return true;
  }
  return false;
}

/**
 * asServed for a committed object that nobody changes (a write's answer, a watch event): when the
 * served copy serialises exactly as stored, it takes the stored JSON, so it is not serialised again.
 */
export function asServedOnce(r: ServedResource, stored: KubeObject): KubeObject {
  const out = asServed(r, stored);
  const json = knownJson(stored);
  if (json !== undefined && !r.sharedStorage && stored.apiVersion === out.apiVersion && stored.kind === out.kind && typeMetaFirst(stored)) rememberJson(out, json);
  return out;
}

/** The user a request runs as when the server itself acts (controllers). */
export const systemUser: UserInfo = { name: 'system:apiserver', groups: ['system:masters'] };
