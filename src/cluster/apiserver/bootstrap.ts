/**
 * Objects every cluster starts with: the system namespaces and the bootstrap RBAC policy
 * (created when missing; roles marked autoupdate are reconciled to the current policy).
 */
import type { KubeObject } from '../../api/meta/index.js';
import { StatusError } from '../../api/meta/index.js';
import { storageGr, systemUser, type Caller, type RestDeps } from './rest/context.js';
import { sameObject } from './rest/objectmeta.js';
import { createObject, updateObject } from './rest/write.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

const caller: Caller = { user: systemUser, dryRun: false, fieldManager: 'kube-apiserver' };

/** Creates `obj` unless it exists; with `reconcile`, replaces it when its content differs. */
async function ensure(deps: RestDeps, obj: KubeObject, reconcile: boolean): Promise<void> {
  const r = deps.registry.lookupKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!r) return;
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  const live = deps.store.get(storageGr(r), ns, name);
  if (!live) {
    try {
      await createObject(deps, r, ns, obj, caller);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
    return;
  }
  const autoupdate = live.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] !== 'false';
  if (!reconcile || !autoupdate) return;
  const desired: KubeObject = { ...obj, metadata: { ...live.metadata, labels: obj.metadata?.labels, annotations: obj.metadata?.annotations } };
  if (!sameObject({ ...desired, metadata: { ...desired.metadata } }, live)) await updateObject(deps, r, ns, name, desired, caller);
}

/** Creates the system namespaces and the bootstrap policy. */
export async function bootstrap(deps: RestDeps, policy: readonly KubeObject[]): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await ensure(deps, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, false);
  for (const obj of policy) await ensure(deps, obj, true);
}
