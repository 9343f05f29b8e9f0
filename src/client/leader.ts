/**
 * Leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection: acquire
 * when the lease is free or expired, renew every `renewMs`, step down when renewals fail for
 * `leaseDurationSeconds`, release on stop. Two processes, one active.
 */
import { StatusError } from '../api/meta/index.js';
import type { KubeClient } from './kube-client.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationSeconds?: number;
  readonly renewMs?: number;
  readonly now?: () => Date;
}

/** MicroTime as the API serialises it. */
const microTime = (d: Date): string => d.toISOString().replace(/Z$/, '000Z');

/** True when the lease is held by someone else and has not expired at `now`. */
export function heldByOther(spec: LeaseSpec | undefined, identity: string, now: Date): boolean {
  if (!spec?.holderIdentity || spec.holderIdentity === identity) return false;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renewed)) return false;
  return renewed + (spec.leaseDurationSeconds ?? 15) * 1000 > now.getTime();
}

export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly path: string;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${opts.namespace}/leases`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private now(): Date {
    return (this.opts.now ?? (() => new Date()))();
  }

  private get duration(): number {
    return this.opts.leaseDurationSeconds ?? 15;
  }

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    let lease: Lease | undefined;
    try {
      lease = await this.client.get<Lease>(`${this.path}/${this.opts.name}`);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    const mine: LeaseSpec = { holderIdentity: this.opts.identity, leaseDurationSeconds: this.duration, renewTime: microTime(now) };
    try {
      if (!lease) {
        await this.client.create(this.path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace },
          spec: { ...mine, acquireTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      }
      if (heldByOther(lease.spec, this.opts.identity, now)) return false;
      const taking = lease.spec.holderIdentity !== this.opts.identity;
      const spec: LeaseSpec = taking
        ? { ...mine, acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 }
        : { ...lease.spec, ...mine };
      await this.client.replace(`${this.path}/${this.opts.name}`, { ...lease, spec });
      return true;
    } catch (e) {
      if (e instanceof StatusError && (e.code === 409 || e.code === 404)) return false;
      throw e;
    }
  }

  /**
   * Runs until stop(): calls `onStarted` when this process becomes leader and `onStopped` when
   * it loses the lease (renewals failing for a lease duration).
   */
  run(onStarted: () => void, onStopped: () => void): void {
    const tick = async () => {
      if (this.stopped) return;
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch {
        ok = false;
      }
      const t = this.now().getTime();
      if (ok) {
        this.lastRenew = t;
        if (!this.leading) {
          this.leading = true;
          onStarted();
        }
      } else if (this.leading && t - this.lastRenew > this.duration * 1000) {
        this.leading = false;
        onStopped();
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.opts.renewMs ?? 2000);
    };
    void tick();
  }

  /** Stops renewing and, when leading, releases the lease so another process takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<Lease>(`${this.path}/${this.opts.name}`);
      if (lease.spec.holderIdentity !== this.opts.identity) return;
      await this.client.replace(`${this.path}/${this.opts.name}`, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
    } catch {
      // Best effort: the lease expires on its own.
    }
  }
}
