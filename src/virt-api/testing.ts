/** Test helpers for virt-api: in-memory AdmissionDeps and AdmissionReview builders. */
import type { VirtualMachineInstance } from '../api/kubevirt/vmi.js';
import type { VirtualMachineInstanceMigration } from '../api/kubevirt/migration.js';
import { DEFAULT_CLUSTER_CONFIG, type ClusterConfig } from '../api/kubevirt/defaults/index.js';
import type { AdmissionDeps } from './handlers.js';

/** Deps over fixed objects; `config` can be swapped by assigning `state.config`. */
export function memoryDeps(state: { config?: ClusterConfig; vmis?: VirtualMachineInstance[]; migrations?: VirtualMachineInstanceMigration[] } = {}): AdmissionDeps {
  const key = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return {
    config: () => state.config ?? DEFAULT_CLUSTER_CONFIG,
    kubevirtServiceAccounts: ['system:serviceaccount:kubevirt:kubevirt-controller'],
    getVMI: (ns, name) => Promise.resolve((state.vmis ?? []).find((v) => key(v) === `${ns}/${name}`)),
    listMigrations: (ns, name) => Promise.resolve((state.migrations ?? []).filter((m) => m.metadata?.namespace === ns && m.spec?.vmiName === name)),
    listPresets: () => Promise.resolve([]),
    listLimitRanges: () => Promise.resolve([]),
  };
}

let seq = 0;
/** An AdmissionReview v1 request for `object` (kind taken from it). */
export function reviewFor(object: unknown, operation: 'CREATE' | 'UPDATE' = 'CREATE', oldObject?: unknown, username = 'alice'): Record<string, unknown> {
  seq++;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: `uid-${seq}`, operation, namespace: 'default', userInfo: { username }, object, ...(oldObject ? { oldObject } : {}) },
  };
}
