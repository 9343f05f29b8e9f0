/**
 * Behaviour the server core adds to a few built-ins because it needs storage: the namespace
 * name label, Service ClusterIP allocation from 10.96.0.0/12 and node ports, the ServiceAccount admission
 * of new pods (service account name, `kube-api-access-<random suffix>` token volume), and the
 * DefaultIngressClass admission of new Ingresses.
 */
import ipaddr from 'ipaddr.js';
import { invalid, invalidObject, type KubeObject } from '../../../api/meta/index.js';
import { admitPodServiceAccount } from '../builtins/index.js';
import { admitIngressClass } from '../builtins/defaults/ingress-class.js';
import { withNodePorts } from '../services/hooks.js';
import { NodePortAllocator } from '../services/node-ports.js';
import type { Store } from '../store/store.js';
import type { ResourceHooks } from './hooks.js';
import type { ServedResource } from './registry.js';

const NS_LABEL = 'kubernetes.io/metadata.name';

/** Sets `kubernetes.io/metadata.name` to the namespace's name (kube-apiserver enforces it on every write). */
export function labelNamespace(obj: KubeObject): void {
  const name = obj.metadata?.name;
  if (!name) return;
  obj.metadata = { ...obj.metadata, labels: { ...obj.metadata?.labels, [NS_LABEL]: name } };
}

/** Allocates ClusterIPs from a CIDR, skipping the network address and those in use. */
export class ClusterIpAllocator {
  private readonly used = new Set<string>();
  private readonly base: number;
  private readonly size: number;
  private next = 1;

  constructor(store: Store, cidr = '10.96.0.0/12') {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    this.base = addr.toByteArray().reduce((a, b) => a * 256 + b, 0);
    this.size = 2 ** (32 - bits);
    for (const svc of store.list({ group: '', resource: 'services' }).items) {
      const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (ip) this.used.add(ip);
    }
    store.subscribe((ev) => {
      if (ev.resource !== '/services') return;
      const ip = (ev.object.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (!ip) return;
      if (ev.type === 'DELETED') this.used.delete(ip);
      else this.used.add(ip);
    });
  }

  private toIp(n: number): string {
    const v = this.base + n;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }

  /** True when the address lies in the range (for user-chosen ClusterIPs). */
  contains(ip: string): boolean {
    if (!ipaddr.IPv4.isValid(ip)) return false;
    const v = ipaddr.IPv4.parse(ip).toByteArray().reduce((a, b) => a * 256 + b, 0);
    return v > this.base && v < this.base + this.size - 1;
  }

  /** The next free address; reserved until released by a delete event. */
  allocate(): string | undefined {
    for (let i = 0; i < this.size - 2; i++) {
      const n = ((this.next - 1 + i) % (this.size - 2)) + 1;
      const ip = this.toIp(n);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.next = n + 1;
        return ip;
      }
    }
    return undefined;
  }

  /** Marks an address used (user-specified ClusterIP). */
  reserve(ip: string): boolean {
    if (this.used.has(ip)) return false;
    this.used.add(ip);
    return true;
  }
}

function serviceCreate(alloc: ClusterIpAllocator, obj: KubeObject): void {
  const spec = ((obj.spec ??= {}) as Record<string, unknown>);
  if (spec.type === 'ExternalName') return;
  const want = spec.clusterIP as string | undefined;
  if (want === 'None') {
    spec.clusterIPs = ['None'];
    return;
  }
  const ip = want ? want : alloc.allocate();
  if (want && (!alloc.contains(want) || !alloc.reserve(want))) {
    throw invalidService(obj, want);
  }
  spec.clusterIP = ip;
  spec.clusterIPs = [ip];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
}

function invalidService(obj: KubeObject, ip: string): Error {
  const detail = `failed to allocate IP ${ip}: provided IP is already allocated or not in the valid range. The range of valid IPs is 10.96.0.0/12`;
  return invalidObject({ group: '', kind: 'Service' }, obj.metadata?.name ?? '', [invalid('spec.clusterIPs', [ip], detail)]);
}

function chain(a: ((o: KubeObject) => void) | undefined, b: (o: KubeObject) => void): (o: KubeObject) => void {
  return (o) => {
    if (a) a(o);
    b(o);
  };
}

/**
 * ServiceAccount admission on pod create: `spec.serviceAccountName` defaults to `default`, and the
 * API access volume is added unless the pod or its ServiceAccount turns automounting off. A missing
 * ServiceAccount is not refused (kube-apiserver refuses it; here the namespace's `default` one is
 * created asynchronously, so early pods would race it).
 */
export function admitPod(store: Store, pod: KubeObject): void {
  const spec = (pod.spec ??= {}) as { serviceAccountName?: string; serviceAccount?: string };
  const name = spec.serviceAccountName || spec.serviceAccount || 'default';
  spec.serviceAccountName = name;
  const sa = store.peek({ group: '', resource: 'serviceaccounts' }, pod.metadata?.namespace ?? '', name) as { automountServiceAccountToken?: boolean } | undefined;
  admitPodServiceAccount(pod, { serviceAccountAutomount: sa?.automountServiceAccountToken });
}

const ingressClasses = { group: 'networking.k8s.io', resource: 'ingressclasses' };

/** Adds the core behaviours to the namespaces, services, pods and ingresses resources. */
export function withCoreHooks(resources: readonly ServedResource[], store: Store): ServedResource[] {
  const alloc = new ClusterIpAllocator(store);
  const nodePorts = new NodePortAllocator(store);
  return resources.map((r) => {
    if (r.info.group === ingressClasses.group && r.info.plural === 'ingresses') {
      const admit = (o: KubeObject): void => admitIngressClass(o, store.list(ingressClasses).items);
      return { ...r, hooks: { ...r.hooks, prepareForCreate: chain(r.hooks.prepareForCreate?.bind(r.hooks), admit) } };
    }
    if (r.info.group !== '') return r;
    let hooks: ResourceHooks | undefined;
    if (r.info.plural === 'namespaces') hooks = { ...r.hooks, defaults: chain(r.hooks.defaults?.bind(r.hooks), labelNamespace) };
    if (r.info.plural === 'services') hooks = withNodePorts({ ...r.hooks, prepareForCreate: chain(r.hooks.prepareForCreate?.bind(r.hooks), (o) => serviceCreate(alloc, o)) }, nodePorts);
    if (r.info.plural === 'pods') hooks = { ...r.hooks, prepareForCreate: chain(r.hooks.prepareForCreate?.bind(r.hooks), (o) => admitPod(store, o)) };
    return hooks ? { ...r, hooks } : r;
  });
}
