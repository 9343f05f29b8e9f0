/**
 * NodePort allocation as kube-apiserver's Service registry does it: every port of a NodePort (or
 * LoadBalancer) Service gets a node port from 30000-32767, a requested one must be in range and
 * free, and ports are released when the Service is deleted, changes type or drops the port.
 */
import { FieldPath, forbidden, invalid, type FieldError, type KubeObject } from '../../../api/meta/index.js';
import type { Store } from '../store/store.js';

/** The default --service-node-port-range. */
export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;
/** A reservation not seen in the store by then (the write failed) is forgotten. */
const PENDING_TTL_MS = 60_000;

interface PortSpec {
  name?: string;
  port?: number;
  nodePort?: number;
  protocol?: string;
}
interface SvcSpec {
  type?: string;
  ports?: PortSpec[];
  allocateLoadBalancerNodePorts?: boolean;
}

const specOf = (svc: KubeObject | undefined): SvcSpec => (svc?.spec ?? {});
const keyOf = (svc: KubeObject): string => `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;

/** True when the Service's type gives its ports node ports. */
export function needsNodePorts(svc: KubeObject): boolean {
  const s = specOf(svc);
  return s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
}

/** The node ports a stored Service holds. */
export function nodePortsOf(svc: KubeObject | undefined): number[] {
  return (specOf(svc).ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0);
}

/**
 * Upstream's dropTypeDependentFields for node ports: a Service leaving NodePort/LoadBalancer whose
 * update left the node ports as they were has them cleared (so `kubectl patch -p '{"spec":{"type":"ClusterIP"}}'` works).
 */
export function dropStaleNodePorts(svc: KubeObject, old: KubeObject): void {
  if (needsNodePorts(svc) || !needsNodePorts(old)) return;
  const oldPorts = new Set(nodePortsOf(old));
  for (const p of specOf(svc).ports ?? []) if (p.nodePort !== undefined && oldPorts.has(p.nodePort)) delete p.nodePort;
}

/** Tracks node ports in use (from the store) plus fresh reservations; hands out free ones. */
export class NodePortAllocator {
  /** port -> owner (`namespace/name`) and, for reservations not yet stored, when they lapse. */
  private readonly used = new Map<number, { owner: string; expires?: number }>();
  private next: number = NODE_PORT_RANGE.first;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    for (const svc of store.list({ group: '', resource: 'services' }).items) this.observe(keyOf(svc), svc);
    store.subscribe((ev) => {
      if (ev.resource === '/services') this.observe(`${ev.namespace}/${ev.name}`, ev.type === 'DELETED' ? undefined : ev.object);
    });
  }

  /** Makes the owner's ports exactly those of its stored object. */
  private observe(owner: string, svc: KubeObject | undefined): void {
    for (const [port, u] of this.used) if (u.owner === owner) this.used.delete(port);
    for (const port of nodePortsOf(svc)) this.used.set(port, { owner });
  }

  private free(port: number, owner: string): boolean {
    const u = this.used.get(port);
    return !u || u.owner === owner || (u.expires !== undefined && u.expires < this.now());
  }

  private reserve(port: number, owner: string): void {
    const cur = this.used.get(port);
    if (cur && cur.owner === owner && cur.expires === undefined) return;
    this.used.set(port, { owner, expires: this.now() + PENDING_TTL_MS });
  }

  private allocate(owner: string, taken: ReadonlySet<number>): number | undefined {
    const size = NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1;
    for (let i = 0; i < size; i++) {
      const port = NODE_PORT_RANGE.first + ((this.next - NODE_PORT_RANGE.first + i) % size);
      if (!taken.has(port) && this.free(port, owner)) {
        this.reserve(port, owner);
        this.next = port + 1;
        return port;
      }
    }
    return undefined;
  }

  /**
   * Gives each port of `svc` that needs one a node port (in place), checking requested ones;
   * returns kube-apiserver's field errors. A ClusterIP Service may not carry node ports.
   */
  assign(svc: KubeObject): FieldError[] {
    const spec = specOf(svc);
    const ports = spec.ports ?? [];
    const path = FieldPath.root('spec', 'ports');
    if (!needsNodePorts(svc)) {
      if (spec.type === 'ClusterIP' || spec.type === undefined) {
        return ports.flatMap((p, i) => (p.nodePort ? [forbidden(path.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'")] : []));
      }
      return [];
    }
    const owner = keyOf(svc);
    const errs: FieldError[] = [];
    const taken = new Set(nodePortsOf(svc));
    ports.forEach((p, i) => {
      const field = path.index(i).child('nodePort');
      if (p.nodePort) {
        if (p.nodePort < NODE_PORT_RANGE.first || p.nodePort > NODE_PORT_RANGE.last) {
          errs.push(invalid(field, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`));
        } else if (!this.free(p.nodePort, owner)) errs.push(invalid(field, p.nodePort, 'provided port is already allocated'));
        else this.reserve(p.nodePort, owner);
        return;
      }
      const port = this.allocate(owner, taken);
      if (port === undefined) errs.push(invalid(field, 0, 'range is full'));
      else {
        p.nodePort = port;
        taken.add(port);
      }
    });
    return errs;
  }
}
