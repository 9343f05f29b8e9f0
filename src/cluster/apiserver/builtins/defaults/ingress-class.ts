/**
 * The DefaultIngressClass admission plugin's choice: a new Ingress that names no class (neither
 * `spec.ingressClassName` nor the legacy `kubernetes.io/ingress.class` annotation) gets the
 * IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"`; with several,
 * the newest (ties broken by name), as kube-apiserver chooses.
 */
import type { KubeObject } from '../../../../api/meta/index.js';

export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The default IngressClass's name among `classes`, or undefined when none is marked default. */
export function defaultIngressClassName(classes: readonly KubeObject[]): string | undefined {
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true');
  const created = (c: KubeObject): number => Date.parse(c.metadata?.creationTimestamp ?? '') || 0;
  defaults.sort((a, b) => created(b) - created(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return defaults[0]?.metadata?.name;
}

/** Sets `spec.ingressClassName` of a new Ingress that names no class to the default class, in place. */
export function admitIngressClass(ingress: KubeObject, classes: readonly KubeObject[]): void {
  const spec = (ingress.spec ??= {}) as { ingressClassName?: string | null };
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) return;
  if (ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] !== undefined) return;
  const name = defaultIngressClassName(classes);
  if (name !== undefined) spec.ingressClassName = name;
}
