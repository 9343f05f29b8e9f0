/**
 * Tables of cluster-level kinds: leases, storage classes, priority classes, webhook
 * configurations, APIServices, RBAC bindings and endpoint slices.
 */
import { arr, rec, recs, str, type Obj } from '../util.js';
import { AGE_COLUMN, ageOf, col, metaOf, NAME_COLUMN, nameOf, num, wide } from './columns.js';
import type { Printer } from './core.js';

const lease: Printer = {
  columns: [NAME_COLUMN, col('Holder', 'The holder of the lease'), AGE_COLUMN],
  row: (o, now) => [nameOf(o), str(rec(o.spec)?.holderIdentity) ?? '', ageOf(o, now)],
};

const storageClass: Printer = {
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'Indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy. Defaults to Delete.'),
    col('VolumeBindingMode', 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.'),
    col('AllowVolumeExpansion', 'AllowVolumeExpansion shows whether the storage class allow volume expand.', { type: 'boolean' }),
    AGE_COLUMN,
  ],
  row(o, now) {
    const ann = rec(metaOf(o).annotations) ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    const name = isDefault ? `${nameOf(o)} (default)` : nameOf(o);
    return [name, str(o.provisioner) ?? '', str(o.reclaimPolicy) ?? 'Delete', str(o.volumeBindingMode) ?? 'Immediate', o.allowVolumeExpansion === true, ageOf(o, now)];
  },
};

const priorityClass: Printer = {
  columns: [
    NAME_COLUMN,
    col('Value', 'The value of this priority class.', { type: 'integer' }),
    col('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.', { type: 'boolean' }),
    AGE_COLUMN,
    col('PreemptionPolicy', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  row: (o, now) => [nameOf(o), num(o.value), o.globalDefault === true, ageOf(o, now), str(o.preemptionPolicy) ?? ''],
};

const webhooks: Printer = {
  columns: [NAME_COLUMN, col('Webhooks', 'Webhooks indicates the number of webhooks in the configuration', { type: 'integer' }), AGE_COLUMN],
  row: (o, now) => [nameOf(o), arr(o.webhooks).length, ageOf(o, now)],
};

const apiService: Printer = {
  columns: [
    NAME_COLUMN,
    col('Service', 'The reference to the service that hosts this API endpoint.'),
    col('Available', 'Whether this service is available.'),
    AGE_COLUMN,
  ],
  row(o, now) {
    const svc = rec(rec(o.spec)?.service);
    const service = svc ? `${str(svc.namespace) ?? ''}/${str(svc.name) ?? ''}` : 'Local';
    const cond = recs(rec(o.status)?.conditions).find((c) => c.type === 'Available');
    let available = 'Unknown';
    if (cond) available = cond.status === 'True' ? 'True' : `${str(cond.status) ?? ''} (${str(cond.reason) ?? ''})`;
    return [nameOf(o), service, available, ageOf(o, now)];
  },
};

function subjectsOf(o: Obj, kind: string): string {
  return recs(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace) ?? ''}:${str(s.name) ?? ''}` : str(s.name) ?? ''))
    .join(', ');
}

const binding: Printer = {
  columns: [
    NAME_COLUMN,
    col('Role', 'Role is the name of the role that is referenced.'),
    AGE_COLUMN,
    wide('Users', 'Users in the roleBinding'),
    wide('Groups', 'Groups in the roleBinding'),
    wide('ServiceAccounts', 'ServiceAccounts in the roleBinding'),
  ],
  row(o, now) {
    const ref = rec(o.roleRef) ?? {};
    return [nameOf(o), `${str(ref.kind) ?? ''}/${str(ref.name) ?? ''}`, ageOf(o, now), subjectsOf(o, 'User'), subjectsOf(o, 'Group'), subjectsOf(o, 'ServiceAccount')];
  },
};

function formatSlicePorts(ports: unknown): string {
  const list = recs(ports);
  if (list.length === 0) return '<unset>';
  return list.map((p) => (typeof p.port === 'number' ? String(p.port) : '<unset>')).join(',');
}

function formatSliceEndpoints(endpoints: unknown): string {
  const addrs = recs(endpoints).flatMap((e) => arr(e.addresses).map(String));
  if (addrs.length === 0) return '<unset>';
  const shown = addrs.slice(0, 3).join(',');
  return addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown;
}

const endpointSlice: Printer = {
  columns: [
    NAME_COLUMN,
    col('AddressType', 'The type of address carried by this EndpointSlice.'),
    col('Ports', 'Ports advertised by this EndpointSlice.'),
    col('Endpoints', 'Endpoints represented by this EndpointSlice.'),
    AGE_COLUMN,
  ],
  row: (o, now) => [nameOf(o), str(o.addressType) ?? '', formatSlicePorts(o.ports), formatSliceEndpoints(o.endpoints), ageOf(o, now)],
};

const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';

/** Printers of cluster-level kinds, keyed by group/kind. */
export const clusterPrinters: Record<string, Printer> = {
  'coordination.k8s.io/Lease': lease,
  'storage.k8s.io/StorageClass': storageClass,
  'scheduling.k8s.io/PriorityClass': priorityClass,
  [`${ADMISSION}/MutatingWebhookConfiguration`]: webhooks,
  [`${ADMISSION}/ValidatingWebhookConfiguration`]: webhooks,
  'apiregistration.k8s.io/APIService': apiService,
  [`${RBAC}/RoleBinding`]: binding,
  [`${RBAC}/ClusterRoleBinding`]: binding,
  'discovery.k8s.io/EndpointSlice': endpointSlice,
};
