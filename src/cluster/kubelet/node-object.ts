/**
 * The Node object a node agent registers: the machine's resources (memory and storage split between
 * the N nodes on this host, every CPU on each, as kind's nodes do), standard labels, addresses, nodeInfo and the four conditions, plus its Lease. Pure.
 */
import type { Node, NodeCondition, NodeStatus } from './types.js';

export const KUBELET_VERSION = 'v1.33.0-kubevirt-ts';
export const LEASE_DURATION_SECONDS = 40;

/** What the machine offers, read once by the caller (os.cpus(), os.totalmem(), statfs). */
export interface MachineResources {
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly ephemeralStorageBytes: number;
}

/** The conventional name of node `index` (1-based): node01, node02, ... */
export function nodeName(index: number): string {
  return `node${String(index).padStart(2, '0')}`;
}

/**
 * This node's share of the machine, 110 pods. Every node offers all the host's CPUs (CPU time is
 * shared and compressible, as with kind's nodes); memory and storage are split so requests that fit
 * can be honoured.
 */
export function nodeCapacity(m: MachineResources, nodes: number): Record<string, string> {
  const n = Math.max(1, nodes);
  const milli = Math.max(1, Math.floor(m.cpus * 1000));
  const mem = Math.floor(m.memoryBytes / n / 1024);
  const disk = Math.floor(m.ephemeralStorageBytes / n / 1024);
  return {
    cpu: milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`,
    memory: `${mem}Ki`,
    pods: '110',
    'ephemeral-storage': `${disk}Ki`,
  };
}

/** The standard labels kubelet sets on its Node. */
export function nodeLabels(name: string, arch: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': arch,
  };
}

/** Node architecture as Kubernetes names it, from node's process.arch. */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

const CONDITIONS: readonly [type: string, ok: string, bad: string, okMsg: string][] = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'KubeletHasInsufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'KubeletHasDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'KubeletHasInsufficientPID', 'kubelet has sufficient PID available'],
];

/** The node's conditions at `now`, keeping transition times of unchanged conditions. */
export function nodeConditions(prev: readonly NodeCondition[] | undefined, now: string, pressure: { memory?: boolean; disk?: boolean; pid?: boolean } = {}): NodeCondition[] {
  const flags = [pressure.memory, pressure.disk, pressure.pid];
  const mk = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const old = prev?.find((c) => c.type === type);
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: old?.status === status ? old.lastTransitionTime : now };
  };
  const out = CONDITIONS.map(([type, ok, bad, okMsg], i) => (flags[i] ? mk(type, 'True', bad, okMsg.replace('sufficient', 'insufficient').replace('no ', '')) : mk(type, 'False', ok, okMsg)));
  out.push(mk('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'));
  return out;
}

/** Inputs that describe one node agent. */
export interface NodeIdentity {
  readonly name: string;
  readonly internalIP: string;
  readonly arch: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly machineID: string;
  readonly bootID: string;
  readonly port: number;
}

/** The status fields the agent owns; extended resources others patched into capacity are kept. */
export function ownedNodeStatus(id: NodeIdentity, capacity: Record<string, string>, prev: NodeStatus | undefined, now: string): NodeStatus {
  const keepExtended = (m: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => k.includes('/')));
  return {
    capacity: { ...keepExtended(prev?.capacity), ...capacity },
    allocatable: { ...keepExtended(prev?.allocatable), ...capacity },
    conditions: nodeConditions(prev?.conditions, now),
    addresses: [{ type: 'InternalIP', address: id.internalIP }, { type: 'Hostname', address: id.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: id.port } },
    nodeInfo: {
      machineID: id.machineID,
      systemUUID: id.machineID,
      bootID: id.bootID,
      kernelVersion: id.kernelVersion,
      osImage: id.osImage,
      containerRuntimeVersion: 'kubevirt-ts://0.1.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: id.arch,
    },
  };
}

/** A new Node object for registration. */
export function newNode(id: NodeIdentity, capacity: Record<string, string>, now: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: id.name, labels: nodeLabels(id.name, id.arch), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {},
    status: ownedNodeStatus(id, capacity, undefined, now),
  };
}

/** The node's Lease in kube-node-lease, renewed at `now` (MicroTime). */
export function nodeLease(name: string, nodeUid: string | undefined, now: string): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
  };
}

/** RFC 3339 with microseconds, as MicroTime serialises. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** RFC 3339 to the second, as metav1.Time serialises. */
export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
