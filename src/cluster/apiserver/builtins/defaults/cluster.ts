/**
 * Defaults of cluster-level configuration kinds: admission webhook configurations, StorageClass,
 * PriorityClass, IngressClass, APIService and CustomResourceDefinition.
 */
import { child, rec, recs, setDefault, str, type Obj } from '../util.js';

function defaultClientConfig(cc: Obj | undefined): void {
  const svc = rec(cc?.service);
  if (svc) setDefault(svc, 'port', 443);
}

/** admissionregistration.k8s.io/v1 webhook configurations (mutating adds reinvocationPolicy). */
export function defaultWebhookConfiguration(cfg: Obj, mutating: boolean): void {
  for (const w of recs(cfg.webhooks)) {
    setDefault(w, 'failurePolicy', 'Fail');
    setDefault(w, 'matchPolicy', 'Equivalent');
    setDefault(w, 'namespaceSelector', {});
    setDefault(w, 'objectSelector', {});
    setDefault(w, 'timeoutSeconds', 10);
    if (mutating) setDefault(w, 'reinvocationPolicy', 'Never');
    for (const r of recs(w.rules)) setDefault(r, 'scope', '*');
    defaultClientConfig(rec(w.clientConfig));
  }
}

/** storage.k8s.io/v1 StorageClass. */
export function defaultStorageClass(sc: Obj): void {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
}

/** scheduling.k8s.io/v1 PriorityClass. */
export function defaultPriorityClass(pc: Obj): void {
  setDefault(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** networking.k8s.io/v1 IngressClass: parameters without a scope are cluster-scoped. */
export function defaultIngressClass(ic: Obj): void {
  const params = rec(rec(ic.spec)?.parameters);
  if (params) setDefault(params, 'scope', 'Cluster');
}

/** apiregistration.k8s.io/v1 APIService: service port 443. */
export function defaultAPIService(svc: Obj): void {
  const spec = rec(svc.spec);
  if (spec) defaultClientConfig(spec);
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition: singular, listKind, conversion strategy. */
export function defaultCRD(crd: Obj): void {
  const spec = child(crd, 'spec');
  const names = child(spec, 'names');
  const kind = str(names.kind);
  if (kind) {
    setDefault(names, 'singular', kind.toLowerCase());
    setDefault(names, 'listKind', `${kind}List`);
  }
  setDefault(child(spec, 'conversion'), 'strategy', 'None');
}
