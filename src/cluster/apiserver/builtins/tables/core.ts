/**
 * Tables of core/v1 kinds other than pods: nodes, services, endpoints, namespaces, configmaps,
 * secrets, service accounts, persistent volumes and claims, events, resource quotas.
 */
import type { TableColumnDefinition } from '../../contracts.js';
import { arr, rec, recs, str, text, type Obj } from '../util.js';
import { AGE_COLUMN, ageOf, col, formatLabels, metaOf, NAME_COLUMN, nameOf, num, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';

/** A printer: column definitions and the cells of one object. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  row(o: Obj, now: number): unknown[];
}

function nodeRoles(labels: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(String(v));
  }
  const list = [...roles].filter((r) => r !== '').sort();
  return list.length === 0 ? '<none>' : list.join(',');
}

function nodeAddress(status: Obj, type: string): string {
  return str(recs(status.addresses).find((a) => a.type === type)?.address) ?? '<none>';
}

const node: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    wide('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  row(o, now) {
    const status = rec(o.status) ?? {};
    const ready = recs(status.conditions).find((c) => c.type === 'Ready');
    const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (rec(o.spec)?.unschedulable === true) states.push('SchedulingDisabled');
    const info = rec(status.nodeInfo) ?? {};
    const orUnknown = (v: unknown): string => str(v) || '<unknown>';
    return [
      nameOf(o), states.join(','), nodeRoles(rec(metaOf(o).labels) ?? {}), ageOf(o, now), str(info.kubeletVersion) ?? '',
      nodeAddress(status, 'InternalIP'), nodeAddress(status, 'ExternalIP'), orUnknown(info.osImage), orUnknown(info.kernelVersion), orUnknown(info.containerRuntimeVersion),
    ];
  },
};

function servicePorts(ports: unknown): string {
  const out = recs(ports).map((p) => {
    const proto = str(p.protocol) ?? 'TCP';
    return num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${proto}` : `${num(p.port)}/${proto}`;
  });
  return out.length === 0 ? '<none>' : out.join(',');
}

function externalIP(spec: Obj, status: Obj): string {
  const external = arr(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ExternalName':
      return str(spec.externalName) ?? '';
    case 'LoadBalancer': {
      const lb = recs(rec(status.loadBalancer)?.ingress).map((i) => str(i.ip) ?? str(i.hostname) ?? '').filter((x) => x !== '');
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    default:
      return external.length > 0 ? external.join(',') : '<none>';
  }
}

const service: Printer = {
  columns: [
    NAME_COLUMN,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  row(o, now) {
    const spec = rec(o.spec) ?? {};
    const clusterIP = str(arr(spec.clusterIPs)[0]) ?? str(spec.clusterIP) ?? '<none>';
    return [nameOf(o), str(spec.type) ?? '', clusterIP || '<none>', externalIP(spec, rec(o.status) ?? {}), servicePorts(spec.ports), ageOf(o, now), formatLabels(spec.selector)];
  },
};

/** formatEndpoints: up to three ip:port entries, then "+ N more...". */
export function formatEndpoints(subsets: unknown): string {
  const list = recs(subsets);
  if (list.length === 0) return '<none>';
  const max = 3;
  const out: string[] = [];
  let count = 0;
  for (const ss of list) {
    const addrs = recs(ss.addresses).map((a) => str(a.ip) ?? '');
    const ports = recs(ss.ports);
    const targets = ports.length === 0 ? addrs : ports.flatMap((p) => addrs.map((ip) => (ip.includes(':') ? `[${ip}]:${num(p.port)}` : `${ip}:${num(p.port)}`)));
    count += targets.length;
    for (const t of targets) if (out.length < max) out.push(t);
  }
  const joined = out.join(',');
  return count > max ? `${joined} + ${count - max} more...` : joined;
}

const endpoints: Printer = {
  columns: [NAME_COLUMN, col('Endpoints', 'Endpoints of the service'), AGE_COLUMN],
  row: (o, now) => [nameOf(o), formatEndpoints(o.subsets), ageOf(o, now)],
};

const namespace: Printer = {
  columns: [NAME_COLUMN, col('Status', 'The status of the namespace'), AGE_COLUMN],
  row: (o, now) => [nameOf(o), str(rec(o.status)?.phase) ?? '', ageOf(o, now)],
};

const count = (v: unknown): number => Object.keys(rec(v) ?? {}).length;

const configMap: Printer = {
  columns: [NAME_COLUMN, col('Data', 'Data contains the configuration data.', { type: 'integer' }), AGE_COLUMN],
  row: (o, now) => [nameOf(o), count(o.data) + count(o.binaryData), ageOf(o, now)],
};

const secret: Printer = {
  columns: [NAME_COLUMN, col('Type', 'The type of the secret'), col('Data', 'The number of entries in the secret', { type: 'integer' }), AGE_COLUMN],
  row: (o, now) => [nameOf(o), str(o.type) ?? '', count(o.data), ageOf(o, now)],
};

const serviceAccount: Printer = {
  columns: [NAME_COLUMN, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', { type: 'integer' }), AGE_COLUMN],
  row: (o, now) => [nameOf(o), arr(o.secrets).length, ageOf(o, now)],
};

const MODE_SHORT: [string, string][] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];

/** helper.GetAccessModesAsString: "RWO,ROX" in a fixed order. */
export function accessModesString(modes: unknown): string {
  const list = arr(modes);
  return MODE_SHORT.filter(([m]) => list.includes(m)).map(([, s]) => s).join(',');
}

function storageClassOf(o: Obj): string {
  const spec = rec(o.spec) ?? {};
  return str(spec.storageClassName) ?? str(rec(metaOf(o).annotations)?.['volume.beta.kubernetes.io/storage-class']) ?? '';
}

const pv: Printer = {
  columns: [
    NAME_COLUMN,
    col('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
    col('VolumeAttributesClass', 'Name of VolumeAttributesClass to which this persistent volume belongs.'),
    col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    AGE_COLUMN,
    wide('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.'),
  ],
  row(o, now) {
    const spec = rec(o.spec) ?? {};
    const status = rec(o.status) ?? {};
    const ref = rec(spec.claimRef);
    const claim = ref ? `${str(ref.namespace) ?? ''}/${str(ref.name) ?? ''}` : '';
    const phase = metaOf(o).deletionTimestamp ? 'Terminating' : str(status.phase) ?? '';
    return [
      nameOf(o), text(rec(spec.capacity)?.storage ?? ''), accessModesString(spec.accessModes), str(spec.persistentVolumeReclaimPolicy) ?? '', phase, claim,
      storageClassOf(o), str(spec.volumeAttributesClassName) || '<unset>', str(status.reason) ?? '', ageOf(o, now), str(spec.volumeMode) ?? '<unset>',
    ];
  },
};

const pvc: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the desired access modes the volume should have.'),
    col('StorageClass', 'storageClassName is the name of the StorageClass required by the claim.'),
    col('VolumeAttributesClass', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
    AGE_COLUMN,
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  row(o, now) {
    const spec = rec(o.spec) ?? {};
    const status = rec(o.status) ?? {};
    const phase = metaOf(o).deletionTimestamp ? 'Terminating' : str(status.phase) ?? '';
    const bound = !!str(spec.volumeName);
    const capacity = bound ? text(rec(status.capacity)?.storage ?? '') : '';
    const modes = bound ? accessModesString(status.accessModes) : '';
    return [
      nameOf(o), phase, str(spec.volumeName) ?? '', capacity, modes, storageClassOf(o), str(spec.volumeAttributesClassName) || '<unset>', ageOf(o, now), str(spec.volumeMode) ?? '<unset>',
    ];
  },
};

/** Core events and events.k8s.io events (mapped to the core field names) share one printer. */
function eventFields(o: Obj): { inv: Obj; message: string; first: unknown; last: unknown; count: number; source: string } {
  const isNew = o.regarding !== undefined || o.note !== undefined || o.deprecatedSource !== undefined;
  const inv = rec(isNew ? o.regarding : o.involvedObject) ?? {};
  const src = rec(isNew ? o.deprecatedSource : o.source) ?? {};
  const component = str(src.component) ?? '';
  const parts = component ? [component, ...(str(src.host) ? [String(src.host)] : [])] : [str(o.reportingController) ?? '', ...(str(o.reportingInstance) ? [String(o.reportingInstance)] : [])];
  const series = rec(o.series);
  const first = (isNew ? o.deprecatedFirstTimestamp : o.firstTimestamp) ?? o.eventTime;
  const lastRaw = series ? series.lastObservedTime : (isNew ? o.deprecatedLastTimestamp : o.lastTimestamp) ?? first;
  const rawCount = series ? num(series.count) : num(isNew ? o.deprecatedCount : o.count);
  return {
    inv,
    message: (str(isNew ? o.note : o.message) ?? '').trim(),
    first,
    last: lastRaw,
    count: rawCount === 0 ? 1 : rawCount,
    source: parts.filter((p) => p !== '').join(', '),
  };
}

const event: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'The object that this event is about.'),
    wide('Subobject', 'The subobject that this event is about.'),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    col('Message', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    col('Count', 'The number of times this event has occurred.', { type: 'integer', priority: 1 }),
    col('Name', 'Name must be unique within a namespace.', { format: 'name', priority: 1 }),
  ],
  row(o, now) {
    const f = eventFields(o);
    const kind = (str(f.inv.kind) ?? '').toLowerCase();
    const target = str(f.inv.name) ? `${kind}/${String(f.inv.name)}` : kind;
    return [
      translateTimestampSince(f.last, now), str(o.type) ?? '', str(o.reason) ?? '', target, str(f.inv.fieldPath) ?? '', f.source, f.message,
      translateTimestampSince(f.first, now), f.count, nameOf(o),
    ];
  },
};

function quotaUsage(o: Obj, limits: boolean): string {
  const hard = rec(rec(o.status)?.hard) ?? rec(rec(o.spec)?.hard) ?? {};
  const used = rec(rec(o.status)?.used) ?? {};
  return Object.keys(hard)
    .filter((k) => k.startsWith('limits.') === limits)
    .sort()
    .map((k) => `${k}: ${text(used[k] ?? '0')}/${text(hard[k])}`)
    .join(', ');
}

const resourceQuota: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN, col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'), col('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
  row: (o, now) => [nameOf(o), ageOf(o, now), quotaUsage(o, false), quotaUsage(o, true)],
};

/** Printers of core/v1 kinds keyed by kind (events also serve events.k8s.io). */
export const corePrinters: Record<string, Printer> = {
  Node: node,
  Service: service,
  Endpoints: endpoints,
  Namespace: namespace,
  ConfigMap: configMap,
  Secret: secret,
  ServiceAccount: serviceAccount,
  PersistentVolume: pv,
  PersistentVolumeClaim: pvc,
  Event: event,
  ResourceQuota: resourceQuota,
};
