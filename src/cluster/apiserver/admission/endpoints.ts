/**
 * What a webhook's clientConfig resolves to, worked out once per configuration object instead of
 * per call: the URL parts and the TLS trust (one SecureContext per CA bundle); and the kept-alive
 * connection pools, one per address, certificate name and trust, shared by the webhooks that agree.
 */
import type { SecureContext } from 'node:tls';
import { secureContextFor } from '../tls-contexts.js';
import { decodeCaBundle, resolveTarget, type CallTarget, type ServiceResolver } from './call.js';
import { Http1Pool } from './http1.js';
import type { WebhookClientConfig } from './types.js';

/** One webhook's call plan: its target (fixed for a URL; per call for a Service) and trust. */
export interface Endpoint {
  /** The target of a URL clientConfig; undefined for a Service (resolved through its Endpoints per call). */
  readonly fixed?: CallTarget;
  readonly clientConfig: WebhookClientConfig;
  readonly timeoutSeconds: number;
  /** The CA bundle's context; undefined for the system roots. */
  readonly secureContext?: SecureContext;
  /** Names the trust in pool keys (the same for the same CA bundle). */
  readonly trust: number;
}

/** Past this many pools (addresses x trusts) the idle ones start over. */
const MAX_POOLS = 64;

/** Call plans per clientConfig object (configurations are immutable snapshots) and connection pools. */
export class WebhookEndpoints {
  private readonly plans = new WeakMap<WebhookClientConfig, Endpoint>();
  private readonly trusts = new Map<string, number>();
  private readonly pools = new Map<string, Http1Pool>();

  /** `maxConnections` per pool: concurrent calls to one webhook server beyond it wait for a connection. */
  constructor(private readonly maxConnections = 16) {}

  /** The plan of `cc` called with `timeoutSeconds`; made once per clientConfig object. */
  async plan(cc: WebhookClientConfig, timeoutSeconds: number): Promise<Endpoint> {
    const known = this.plans.get(cc);
    if (known && known.timeoutSeconds === timeoutSeconds) return known;
    const ca = decodeCaBundle(cc.caBundle);
    // A URL target does not depend on the cluster: parse it once (it throws as a call would).
    const fixed = cc.url ? await resolveTarget(cc, timeoutSeconds, () => Promise.reject(new Error('unreachable'))) : undefined;
    let trust = this.trusts.get(ca ?? '');
    if (trust === undefined) this.trusts.set(ca ?? '', (trust = this.trusts.size));
    const plan: Endpoint = { clientConfig: cc, timeoutSeconds, trust, ...(fixed ? { fixed } : {}), ...(ca ? { secureContext: secureContextFor({ ca }) } : {}) };
    this.plans.set(cc, plan);
    return plan;
  }

  /** Where this call goes: the fixed URL target, or the Service's current endpoint. */
  target(plan: Endpoint, resolve: ServiceResolver): CallTarget | Promise<CallTarget> {
    return plan.fixed ?? resolveTarget(plan.clientConfig, plan.timeoutSeconds, resolve);
  }

  /** The pool of connections to `target` trusted as `plan` says. */
  pool(plan: Endpoint, target: CallTarget): Http1Pool {
    const key = `${plan.trust}|${target.host}|${target.port}|${target.servername}`;
    let pool = this.pools.get(key);
    if (!pool) {
      if (this.pools.size >= MAX_POOLS) this.dropIdlePools();
      const origin = { host: target.host, port: target.port, servername: target.servername, ...(plan.secureContext ? { secureContext: plan.secureContext } : {}) };
      pool = new Http1Pool(origin, this.maxConnections);
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const p of this.pools.values()) p.close();
    this.pools.clear();
  }

  /** Forgets pools with no open connection (endpoints that moved away). */
  private dropIdlePools(): void {
    for (const [key, p] of this.pools) {
      if (p.size === 0) {
        p.close();
        this.pools.delete(key);
      }
    }
  }
}
