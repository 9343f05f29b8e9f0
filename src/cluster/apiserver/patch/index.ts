/**
 * Patches for the API server (the PatchModule contract): JSON patch, merge patch, strategic merge
 * patch (built-in kinds), server-side apply and managed fields, and the content types that select them.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { PatchModule, PatchType, ResourceInfo } from '../contracts.js';
import { serverSideApply, updateManagedFields, type PatchDeps } from './apply.js';
import { unsupportedPatchType } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { schemaFor } from './schema.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const contentTypes: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Content-Type (parameters such as `; charset=utf-8` ignored) to patch type; undefined means 415. */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const base = contentType.split(';')[0]?.trim() ?? '';
  return contentTypes[base];
}

/** API groups served by kube-apiserver itself; everything else is a custom resource. */
const builtinGroups = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'events.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'networking.k8s.io',
  'certificates.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
]);

/** True for kinds kube-apiserver serves natively (strategic merge patch works on them). */
export const isBuiltinGroup = (group: string): boolean => builtinGroups.has(group);

/** The patch content types a resource accepts, in the order kube-apiserver lists them in its 415. */
export function acceptedPatchTypes(info: ResourceInfo): string[] {
  const all = Object.keys(contentTypes);
  return isBuiltinGroup(info.group) ? all : all.filter((t) => contentTypes[t] !== 'strategic');
}

/**
 * Applies a JSON, merge or strategic merge patch to `live`, returning a new object (a merge patch's
 * shares the subtrees it leaves alone with `live`: copy before changing it). Strategic merge
 * on a custom resource is 415 UnsupportedMediaType, as apiextensions-apiserver answers.
 */
export function applyPatch(type: Exclude<PatchType, 'apply'>, info: ResourceInfo, live: KubeObject, patch: unknown): KubeObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(live, patch);
    case 'merge':
      return applyMergePatch(live, patch);
    case 'strategic':
      if (!isBuiltinGroup(info.group)) throw unsupportedPatchType(acceptedPatchTypes(info));
      return applyStrategicMergePatch(live, patch, schemaFor(info.group, info.kind));
  }
}

/**
 * A PatchModule whose managedFields timestamps come from `deps.now` (tests pass a fixed one) and,
 * optionally, whose apply/managed-fields schema comes from `deps.schemaOf` (e.g. CRD schemas).
 */
export function createPatchModule(deps: PatchDeps = { now: () => new Date() }): PatchModule {
  return {
    patchTypeOf,
    applyPatch,
    serverSideApply: (info, live, applied, opts) => serverSideApply(info, live, applied, opts, deps),
    updateManagedFields: (info, oldObj, newObj, manager, subresource) =>
      updateManagedFields(info, oldObj, newObj, manager, subresource, deps),
  };
}

/** The module the server core wires in. */
export const patches: PatchModule = createPatchModule();

export { beforeFirstApplyManager } from './apply.js';
export { schemaFor } from './schema.js';
export { schemaFromOpenAPIV3 } from './openapi-schema.js';
export { unsupportedPatchType } from './errors.js';
