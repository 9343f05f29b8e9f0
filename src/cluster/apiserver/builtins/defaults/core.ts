/**
 * Defaults of the core/v1 kinds other than Pod (Service, PV, PVC, Secret, Namespace, Node,
 * Endpoints) as kube-apiserver's SetDefaults_* functions and registry strategies apply them.
 */
import { child, rec, recs, setDefault, str, type Obj } from '../util.js';
import { mergeSecretStringData } from './secret-data.js';

/** core/v1 Service: type, affinity, port protocol and targetPort, IP family policy, traffic policies. */
export function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  for (const p of recs(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.port !== undefined) setDefault(p, 'targetPort', p.port);
  }
  const type = str(spec.type);
  if (type !== 'ExternalName') {
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(child(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(cfg, 'timeoutSeconds', 10800);
  }
  setDefault(child(svc, 'status'), 'loadBalancer', {});
}

/** PersistentVolumeClaimSpec (PVCs and StatefulSet claim templates). */
export function defaultPVCSpec(spec: Obj): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
}

/** core/v1 PersistentVolumeClaim. */
export function defaultPVC(pvc: Obj): void {
  defaultPVCSpec(child(pvc, 'spec'));
  setDefault(child(pvc, 'status'), 'phase', 'Pending');
}

/** core/v1 PersistentVolume. */
export function defaultPV(pv: Obj): void {
  const spec = child(pv, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  setDefault(child(pv, 'status'), 'phase', 'Pending');
}

/** core/v1 Secret: type Opaque; stringData merged into data (as the v1 conversion does). */
export function defaultSecret(secret: Obj): void {
  mergeSecretStringData(secret);
  setDefault(secret, 'type', 'Opaque');
}

/** core/v1 Namespace: the kubernetes finalizer, phase Active and the kubernetes.io/metadata.name label. */
export function defaultNamespace(ns: Obj): void {
  const spec = child(ns, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  setDefault(child(ns, 'status'), 'phase', 'Active');
  const meta = child(ns, 'metadata');
  const name = str(meta.name);
  if (name) meta.labels = { ...(rec(meta.labels) ?? {}), 'kubernetes.io/metadata.name': name };
}

/** core/v1 Node: allocatable defaults to capacity. */
export function defaultNode(node: Obj): void {
  const status = rec(node.status);
  if (status && rec(status.capacity) && status.allocatable === undefined) status.allocatable = { ...rec(status.capacity) };
}

/** core/v1 Endpoints: port protocol TCP. */
export function defaultEndpoints(ep: Obj): void {
  for (const subset of recs(ep.subsets)) for (const p of recs(subset.ports)) setDefault(p, 'protocol', 'TCP');
}

/** discovery.k8s.io/v1 EndpointSlice: port protocol TCP and name "". */
export function defaultEndpointSlice(slice: Obj): void {
  for (const p of recs(slice.ports)) {
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'name', '');
  }
}
