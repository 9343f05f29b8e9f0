/**
 * The scale subresource (autoscaling/v1 Scale) of custom resources with `subresources.scale` and
 * of Deployments, ReplicaSets and StatefulSets: get, update and patch, each write setting the
 * object's spec replicas through the ordinary update path (admission, generation, conflicts).
 */
import { badRequest, notFound, type KubeObject, type LabelSelector } from '../../../api/meta/index.js';
import type { PatchType } from '../contracts.js';
import { applyScale, scaleOf, type Scale } from '../crd/scale.js';
import type { ServedResource } from '../registry/registry.js';
import { asServed, storageGr, type Caller, type RestDeps } from './context.js';
import { updateLoop } from './write.js';

const builtinPaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };

/** True when the resource serves /scale. */
export const hasScale = (r: ServedResource): boolean => r.info.subresources.includes('scale') && (r.crd === undefined || r.scale !== undefined);

function pathsOf(r: ServedResource) {
  if (!hasScale(r)) throw notFound({ group: r.info.group, resource: `${r.info.plural}/scale` }, '');
  return r.scale ?? builtinPaths;
}

/** The Scale of an object; built-ins report their label selector as text, as kube-apiserver does. */
function toScale(deps: RestDeps, r: ServedResource, obj: KubeObject): Scale {
  const scale = scaleOf(obj, pathsOf(r));
  if (r.crd === undefined) {
    const sel = (obj.spec as { selector?: LabelSelector } | undefined)?.selector;
    const text = sel && deps.modules.selectors ? deps.modules.selectors.labelSelectorFromMeta(sel).toString() : '';
    if (text) scale.status.selector = text;
  }
  return scale;
}

/** GET .../NAME/scale */
export function getScale(deps: RestDeps, r: ServedResource, namespace: string, name: string): Scale {
  return toScale(deps, r, asServed(r, deps.store.mustGet(storageGr(r), namespace, name)));
}

function checkScaleBody(body: unknown, name: string): Partial<Scale> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of a Scale must be an object');
  const s = body as Partial<Scale> & { apiVersion?: string; kind?: string };
  if (s.kind !== undefined && s.kind !== 'Scale') throw badRequest(`the kind in the data (${s.kind}) does not match the expected kind (Scale)`);
  const bodyName = s.metadata?.name;
  if (bodyName !== undefined && bodyName !== '' && bodyName !== name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
  return s;
}

/** PUT .../NAME/scale: sets spec replicas; a resourceVersion in the Scale pins the object's. */
export async function updateScale(deps: RestDeps, r: ServedResource, namespace: string, name: string, body: unknown, caller: Caller): Promise<Scale> {
  const scale = checkScaleBody(body, name);
  const paths = pathsOf(r);
  const out = await updateLoop(deps, r, namespace, name, caller, 'scale', (live) => applyScale(live, scale, paths));
  return toScale(deps, r, out);
}

/** PATCH .../NAME/scale: the patch applies to the current Scale, whose result is written as by PUT. */
export async function patchScale(deps: RestDeps, r: ServedResource, namespace: string, name: string, type: PatchType, patch: unknown, caller: Caller): Promise<Scale> {
  const p = deps.modules.patches;
  if (!p || type === 'apply') throw badRequest(`${type} patches are not supported on the scale subresource`);
  const paths = pathsOf(r);
  const scaleInfo = { ...r.info, group: 'autoscaling', version: 'v1', kind: 'Scale', plural: 'scale', subresources: [] };
  const out = await updateLoop(deps, r, namespace, name, caller, 'scale', (live) => {
    const current = toScale(deps, r, live) as unknown as KubeObject;
    const patched = checkScaleBody(p.applyPatch(type, scaleInfo, current, patch), name);
    // The patched Scale carries the live resourceVersion unless the patch changed it: only a change pins.
    const rv = patched.metadata?.resourceVersion;
    const pinned = rv !== undefined && rv !== live.metadata?.resourceVersion ? rv : undefined;
    return applyScale(live, { ...patched, metadata: { ...patched.metadata, resourceVersion: pinned } }, paths);
  });
  return toScale(deps, r, out);
}
