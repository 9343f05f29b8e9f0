/**
 * CPU per call of updateManagedFields and CRD pruning on the writes of a VMI start: VMI create,
 * VMI updates (status, one label), launcher pod create, binding and status patches. The objects
 * are shaped like those of `up` (a defaulted VMI with status, a virt-launcher pod); the old object
 * is deep-frozen as the store's are.
 * Usage: node --import tsx bench/apiserver/managed-fields.ts [--ms 300] [--only RE]
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta/index.js';
import { kubevirtCrd } from '../../src/api/crds/definitions.js';
import { compileCrd } from '../../src/cluster/apiserver/crd/compile.js';
import { prune } from '../../src/cluster/apiserver/crd/prune.js';
import { createPatchModule } from '../../src/cluster/apiserver/patch/index.js';
import type { ResourceInfo } from '../../src/cluster/apiserver/contracts.js';

const { values: args } = parseArgs({ options: { ms: { type: 'string' }, only: { type: 'string' } } });
const budget = Number(args.ms ?? 300);
const only = args.only ? new RegExp(args.only) : undefined;

let clock = Date.parse('2026-11-27T10:00:00Z');
const patches = createPatchModule({ now: () => new Date(clock) });

const info = (group: string, version: string, kind: string, plural: string, subresources: string[]): ResourceInfo => ({
  group, version, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), namespaced: true,
  shortNames: [], categories: [], verbs: [], subresources,
});
const vmiInfo = info('kubevirt.io', 'v1', 'VirtualMachineInstance', 'virtualmachineinstances', []);
const podInfo = info('', 'v1', 'Pod', 'pods', ['status', 'binding', 'eviction', 'log', 'exec']);

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** A VMI as virt-api's mutator leaves it. */
export function vmi(i: number): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name: `vmi-${i}`, namespace: 'bench', uid: `0000-${i}`, creationTimestamp: '2026-11-27T10:00:00Z', generation: 1,
      labels: { app: 'bench', 'kubevirt.io/size': 'small' },
      annotations: { 'kubevirt.io/latest-observed-api-version': 'v1', 'kubevirt.io/storage-observed-api-version': 'v1' },
    },
    spec: {
      architecture: 'amd64',
      domain: {
        cpu: { cores: 1, model: 'host-model', sockets: 1, threads: 1, maxSockets: 4 },
        devices: {
          disks: [{ name: 'containerdisk', disk: { bus: 'virtio' } }, { name: 'cloudinitdisk', disk: { bus: 'virtio' } }, { name: 'scratch', disk: { bus: 'virtio' } }],
          interfaces: [{ name: 'default', masquerade: {}, macAddress: '02:00:00:aa:bb:cc' }],
          rng: {},
        },
        features: { acpi: { enabled: true } },
        firmware: { uuid: `5d307ca9-b3ef-428c-8861-06e72d69f2${String(i).padStart(2, '0')}` },
        machine: { type: 'q35' },
        memory: { guest: '64Mi', maxGuest: '256Mi' },
        resources: { requests: { memory: '64Mi', cpu: '100m' } },
      },
      evictionStrategy: 'None',
      networks: [{ name: 'default', pod: {} }],
      terminationGracePeriodSeconds: 5,
      volumes: [
        { name: 'containerdisk', containerDisk: { image: 'quay.io/kubevirt/cirros-container-disk-demo:latest', imagePullPolicy: 'Always' } },
        { name: 'cloudinitdisk', cloudInitNoCloud: { userData: '#cloud-config\npassword: fedora\nchpasswd: { expire: False }\n' } },
        { name: 'scratch', emptyDisk: { capacity: '16Mi' } },
      ],
    },
  };
}

/** The status virt-controller and virt-handler give a running VMI. */
function runningStatus(i: number, phase: string, n: number): Record<string, unknown> {
  return {
    activePods: { [`pod-uid-${i}`]: 'node-1' },
    conditions: [
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-27T10:00:02Z' },
      { type: 'LiveMigratable', status: 'False', reason: 'DisksNotLiveMigratable', message: 'cannot migrate VMI: PVC containerdisk is not shared' },
      { type: 'StorageLiveMigratable', status: 'True', lastProbeTime: null, lastTransitionTime: null },
    ],
    currentCPUTopology: { cores: 1, sockets: 1, threads: 1 },
    guestOSInfo: {},
    interfaces: [{ name: 'default', ipAddress: `10.244.0.${i}`, ipAddresses: [`10.244.0.${i}`], mac: '02:00:00:aa:bb:cc', infoSource: 'domain', podInterfaceName: 'eth0', queueCount: 1 }],
    launcherContainerImageVersion: 'kubevirt-ts/virt-launcher:dev',
    machine: { type: 'pc-q35-rhel9.4.0' },
    memory: { guestAtBoot: '64Mi', guestCurrent: '64Mi', guestRequested: '64Mi' },
    migrationMethod: 'BlockMigration',
    migrationTransport: 'Unix',
    nodeName: 'node-1',
    phase,
    phaseTransitionTimestamps: Array.from({ length: n }, (_, k) => ({ phase: ['Pending', 'Scheduling', 'Scheduled', 'Running'][k], phaseTransitionTimestamp: `2026-11-27T10:00:0${k}Z` })),
    qosClass: 'Burstable',
    selinuxContext: 'none',
    volumeStatus: [
      { name: 'cloudinitdisk', size: 1048576, target: 'vdb' },
      { name: 'containerdisk', target: 'vda' },
      { name: 'scratch', target: 'vdc' },
    ],
  };
}

/** The virt-launcher pod virt-controller creates. */
function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `virt-launcher-vmi-${i}-abcde`, generateName: `virt-launcher-vmi-${i}-`, namespace: 'bench', uid: `pod-uid-${i}`, creationTimestamp: '2026-11-27T10:00:00Z',
      labels: { 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': `0000-${i}`, 'vm.kubevirt.io/name': `vmi-${i}` },
      annotations: { 'kubevirt.io/domain': `vmi-${i}`, 'post.hook.backup.velero.io/command': '["/usr/bin/virt-freezer", "--unfreeze"]', 'kubectl.kubernetes.io/default-container': 'compute' },
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: `vmi-${i}`, uid: `0000-${i}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'compute', image: 'kubevirt-ts/virt-launcher:dev', imagePullPolicy: 'IfNotPresent',
          command: ['/usr/bin/virt-launcher-monitor', '--qemu-timeout', '300s', '--name', `vmi-${i}`, '--uid', `0000-${i}`, '--namespace', 'bench'],
          env: [{ name: 'XDG_CACHE_HOME', value: '/var/run/kubevirt-private' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
          resources: { limits: { 'devices.kubevirt.io/kvm': '1', 'devices.kubevirt.io/tun': '1' }, requests: { cpu: '100m', memory: '300Mi', 'devices.kubevirt.io/kvm': '1' } },
          securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, privileged: false, runAsNonRoot: true, runAsUser: 107 },
          terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
          volumeMounts: [{ name: 'private', mountPath: '/var/run/kubevirt-private' }, { name: 'public', mountPath: '/var/run/kubevirt' }, { name: 'ephemeral-disks', mountPath: '/var/run/kubevirt-ephemeral-disks' }],
        },
      ],
      dnsPolicy: 'ClusterFirst', enableServiceLinks: true, hostname: `vmi-${i}`, nodeSelector: { 'kubevirt.io/schedulable': 'true' },
      preemptionPolicy: 'PreemptLowerPriority', priority: 0, readinessGates: [{ conditionType: 'kubevirt.io/virtual-machine-unpaused' }],
      restartPolicy: 'Never', schedulerName: 'default-scheduler', securityContext: { fsGroup: 107, runAsGroup: 107, runAsNonRoot: true, runAsUser: 107 },
      serviceAccountName: 'default', terminationGracePeriodSeconds: 20,
      tolerations: [{ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 }, { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }],
      volumes: [{ name: 'private', emptyDir: {} }, { name: 'public', emptyDir: {} }, { name: 'ephemeral-disks', emptyDir: {} }, { name: 'container-disks', emptyDir: {} }],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

function podStatus(i: number, ready: boolean): Record<string, unknown> {
  const cond = (type: string, status: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: '2026-11-27T10:00:03Z' });
  return {
    phase: 'Running', hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], podIP: `10.244.0.${i}`, podIPs: [{ ip: `10.244.0.${i}` }], qosClass: 'Burstable', startTime: '2026-11-27T10:00:01Z',
    conditions: [cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', ready ? 'True' : 'False'), cond('ContainersReady', ready ? 'True' : 'False'), cond('PodScheduled', 'True')],
    containerStatuses: [{ name: 'compute', ready, restartCount: 0, started: true, image: 'kubevirt-ts/virt-launcher:dev', imageID: 'sha256:abc', containerID: 'kvts://123', state: { running: { startedAt: '2026-11-27T10:00:02Z' } }, lastState: {} }],
  };
}

type Case = { name: string; run: () => unknown };
const cases: Case[] = [];
const mf = (i: ResourceInfo, old: KubeObject | undefined, next: KubeObject, manager: string, sub?: string) => patches.updateManagedFields(i, old, next, manager, sub);
/** `next` with `mutate` applied to a copy of the (frozen) old object, with old's managedFields. */
const edit = (old: KubeObject, mutate: (o: KubeObject) => void): KubeObject => {
  const o = clone(old);
  mutate(o);
  return o;
};
const store = (o: KubeObject, managedFields: unknown): KubeObject => deepFreeze({ ...o, metadata: { ...o.metadata, managedFields } } as KubeObject);

// A VMI's history: created by a client, then virt-controller and virt-handler write it.
const v0 = vmi(7);
const created = store(v0, mf(vmiInfo, undefined, v0, 'kubectl-create'));
clock += 1000;
const v1 = edit(created, (o) => { o.metadata!.finalizers = ['kubevirt.io/virtualMachineControllerFinalize']; o.status = { ...runningStatus(7, 'Scheduling', 2), interfaces: undefined, volumeStatus: undefined, nodeName: undefined }; });
const s1 = store(v1, mf(vmiInfo, created, v1, 'virt-controller'));
clock += 1000;
const v2 = edit(s1, (o) => { o.status = runningStatus(7, 'Scheduled', 3); o.metadata!.labels!['kubevirt.io/nodeName'] = 'node-1'; });
const s2 = store(v2, mf(vmiInfo, s1, v2, 'virt-handler'));
clock += 1000;
const v3 = edit(s2, (o) => { o.status = runningStatus(7, 'Running', 4); });
const running = store(v3, mf(vmiInfo, s2, v3, 'virt-handler'));
clock += 1000;
const statusEdit = edit(running, (o) => { (o.status as { conditions: { status: string }[] }).conditions[0]!.status = 'False'; });
const labelEdit = edit(running, (o) => { o.metadata!.labels!.extra = 'x'; });
const sameEdit = edit(running, () => {});
cases.push(
  { name: 'mf vmi create', run: () => mf(vmiInfo, undefined, v0, 'kubectl-create') },
  { name: 'mf vmi update status (virt-handler, owned field)', run: () => mf(vmiInfo, running, statusEdit, 'virt-handler') },
  { name: 'mf vmi update status (virt-controller, new owner)', run: () => mf(vmiInfo, running, statusEdit, 'virt-controller') },
  { name: 'mf vmi update label (virt-controller)', run: () => mf(vmiInfo, running, labelEdit, 'virt-controller') },
  { name: 'mf vmi update no-op', run: () => mf(vmiInfo, running, sameEdit, 'virt-handler') },
);

const p0 = pod(7);
const pCreated = store(p0, mf(podInfo, undefined, p0, 'virt-controller'));
const bound = edit(pCreated, (o) => { (o.spec as Record<string, unknown>).nodeName = 'node-1'; o.status = { ...(o.status as object), conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-27T10:00:01Z' }] }; });
const pBound = store(bound, mf(podInfo, pCreated, bound, 'kube-scheduler', 'binding'));
clock += 1000;
const st1 = edit(pBound, (o) => { o.status = podStatus(7, false); });
const pStarted = store(st1, mf(podInfo, pBound, st1, 'kubelet', 'status'));
clock += 1000;
const st2 = edit(pStarted, (o) => { o.status = podStatus(7, true); });
cases.push(
  { name: 'mf pod create', run: () => mf(podInfo, undefined, p0, 'virt-controller') },
  { name: 'mf pod binding', run: () => mf(podInfo, pCreated, bound, 'kube-scheduler', 'binding') },
  { name: 'mf pod status (first)', run: () => mf(podInfo, pBound, st1, 'kubelet', 'status') },
  { name: 'mf pod status (ready)', run: () => mf(podInfo, pStarted, st2, 'kubelet', 'status') },
);

const crd = compileCrd(kubevirtCrd('VirtualMachineInstance') as unknown as KubeObject).find((v) => v.storage)!;
const vmiSchema = (kubevirtCrd('VirtualMachineInstance')!.spec.versions.find((v) => v.storage)!.schema).openAPIV3Schema;
/** Copies made ahead (pruning changes its object in place; copying is not what is measured). */
const pool = (o: KubeObject) => {
  const copies = Array.from({ length: 4096 }, () => clone(o));
  let i = 0;
  return () => (i < copies.length ? copies[i++]! : ((i = 1), (copies[0] = clone(o))));
};
const createCopies = pool(v0);
const runningCopies = pool(clone(running));
const runningCopies2 = pool(clone(running));
cases.push(
  { name: 'pruneAndDefault vmi create', run: () => crd.pruneAndDefault(createCopies()) },
  { name: 'pruneAndDefault vmi running', run: () => crd.pruneAndDefault(runningCopies()) },
  { name: 'prune vmi running', run: () => prune(runningCopies2(), vmiSchema, true) },
);

const cpuUs = (): number => { const u = process.cpuUsage(); return u.user + u.system; };
for (const c of cases) {
  if (only && !only.test(c.name)) continue;
  for (let k = 0; k < 2000; k++) c.run();
  let n = 0;
  const t0 = cpuUs();
  while (cpuUs() - t0 < budget * 1000) for (let k = 0; k < 100; k++, n++) c.run();
  console.log(`${c.name.padEnd(52)} ${((cpuUs() - t0) / n).toFixed(2).padStart(7)} us/call`);
}
if (process.env.DUMP) console.log(JSON.stringify({ running, pStarted }, null, 1));
