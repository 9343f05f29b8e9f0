/**
 * The scale subresource of custom resources, as apiextensions-apiserver serves it: an
 * autoscaling/v1 Scale read from the CRD's specReplicasPath/statusReplicasPath/labelSelectorPath,
 * and a Scale write that sets the object's spec replicas.
 */
import { badRequest, invalidObject, invalid, type KubeObject } from '../../../api/meta/index.js';
import type { CompiledCrdVersion } from '../contracts.js';

type ScalePaths = NonNullable<CompiledCrdVersion['scale']>;

/** autoscaling/v1 Scale. */
export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const fieldsOf = (path: string): string[] => path.replace(/^\./, '').split('.').filter((f) => f !== '');

function nested(obj: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const f of fieldsOf(path)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(f in cur)) return { found: false };
    cur = (cur as Record<string, unknown>)[f];
  }
  return { found: true, value: cur };
}

function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return v === null ? '<nil>' : 'map[string]interface {}';
}

function nestedInt(obj: unknown, path: string): number {
  const { found, value } = nested(obj, path);
  if (!found) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw badRequest(`${path} accessor error: ${JSON.stringify(value)} is of the type ${goType(value)}, expected int64`);
}

/** The Scale of a custom object; throws a StatusError when a path holds the wrong type. */
export function scaleOf(obj: KubeObject, paths: ScalePaths): Scale {
  const md = obj.metadata ?? {};
  let selector: string | undefined;
  if (paths.labelSelectorPath) {
    const { found, value } = nested(obj, paths.labelSelectorPath);
    if (found && typeof value !== 'string') throw badRequest(`${paths.labelSelectorPath} accessor error: ${JSON.stringify(value)} is of the type ${goType(value)}, expected string`);
    if (found) selector = value as string;
  }
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      ...(md.name !== undefined ? { name: md.name } : {}),
      ...(md.namespace !== undefined ? { namespace: md.namespace } : {}),
      ...(md.uid !== undefined ? { uid: md.uid } : {}),
      ...(md.resourceVersion !== undefined ? { resourceVersion: md.resourceVersion } : {}),
      ...(md.creationTimestamp !== undefined ? { creationTimestamp: md.creationTimestamp } : {}),
    },
    spec: { replicas: nestedInt(obj, paths.specReplicasPath) },
    status: { replicas: nestedInt(obj, paths.statusReplicasPath), ...(selector !== undefined ? { selector } : {}) },
  };
}

/** Validates a Scale write (422 like kube-apiserver) and returns a copy of `obj` with spec replicas set. */
export function applyScale(obj: KubeObject, scale: Partial<Scale>, paths: ScalePaths): KubeObject {
  const replicas = scale.spec?.replicas ?? 0;
  const name = scale.metadata?.name ?? obj.metadata?.name ?? '';
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalidObject({ group: 'autoscaling', kind: 'Scale' }, name, [invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  const out = structuredClone(obj);
  const fields = fieldsOf(paths.specReplicasPath);
  let cur: Record<string, unknown> = out;
  for (const f of fields.slice(0, -1)) {
    const next = cur[f];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[f] = {};
    cur = cur[f] as Record<string, unknown>;
  }
  cur[fields[fields.length - 1]!] = replicas;
  const rv = scale.metadata?.resourceVersion;
  if (rv) out.metadata = { ...(out.metadata ?? {}), resourceVersion: rv };
  return out;
}
