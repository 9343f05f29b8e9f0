/**
 * kubectl's client-side apply annotation as kube-apiserver treats it during server-side apply by
 * the manager "kubectl": its fields may be taken over without conflict (upgrading an object from
 * client-side to server-side apply), and an existing annotation follows the applied config.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import { FieldSet } from './fieldset.js';
import { isObject } from './merge-patch.js';

/** The field manager kubectl uses for `kubectl apply --server-side`. */
export const kubectlManager = 'kubectl';
/** The annotation client-side `kubectl apply` keeps its last applied configuration in. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The field set of the configuration recorded in `live`'s annotation (empty when absent or unreadable). */
export function lastAppliedFieldSet(live: KubeObject | undefined, toSet: (o: Record<string, unknown>) => FieldSet): FieldSet {
  const text = live?.metadata?.annotations?.[lastAppliedAnnotation];
  if (!text) return new FieldSet();
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? toSet(parsed) : new FieldSet();
  } catch {
    return new FieldSet();
  }
}

/** buildLastApplied: the applied config without the annotation itself, as JSON with a trailing newline. */
function buildLastApplied(applied: KubeObject): string {
  const copy = structuredClone(applied);
  const ann = copy.metadata?.annotations;
  if (ann && copy.metadata) {
    delete ann[lastAppliedAnnotation];
    if (Object.keys(ann).length === 0) delete copy.metadata.annotations;
  }
  return `${JSON.stringify(copy)}\n`;
}

/** When `live` carries the annotation, sets it on `result` to the newly applied config. */
export function syncLastApplied(live: KubeObject | undefined, applied: KubeObject, result: KubeObject): void {
  if (live?.metadata?.annotations?.[lastAppliedAnnotation] === undefined) return;
  result.metadata = { ...(result.metadata ?? {}) };
  result.metadata.annotations = { ...(result.metadata.annotations ?? {}), [lastAppliedAnnotation]: buildLastApplied(applied) };
}
