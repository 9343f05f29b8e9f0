/**
 * What a webhook's clientConfig resolves to, worked out once per configuration object instead of
 * per call: the URL parts, the TLS trust (one SecureContext per CA bundle) and a kept-alive
 * connection pool per trust, so calls skip URL parsing, CA decoding and context lookups.
 */
import { Agent } from 'node:https';
import type { SecureContext } from 'node:tls';
import { secureContextFor } from '../tls-contexts.js';
import { decodeCaBundle, resolveTarget, type CallTarget, type ServiceResolver } from './call.js';
import type { WebhookClientConfig } from './types.js';

/** One webhook's call plan: its target (fixed for a URL; per call for a Service), trust and pool. */
export interface Endpoint {
  /** The target of a URL clientConfig; undefined for a Service (resolved through its Endpoints per call). */
  readonly fixed?: CallTarget;
  readonly clientConfig: WebhookClientConfig;
  readonly timeoutSeconds: number;
  /** The CA bundle's context; undefined for the system roots. */
  readonly secureContext?: SecureContext;
  /** Kept-alive connections trusted by exactly this context (so pools never mix trusts). */
  readonly agent: Agent;
}

/** Most webhooks share one CA bundle; past this many trusts the pools start over. */
const MAX_AGENTS = 32;

/** Call plans per clientConfig object (configurations are immutable snapshots) and pools per CA bundle. */
export class WebhookEndpoints {
  private readonly plans = new WeakMap<WebhookClientConfig, Endpoint>();
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly maxSockets = 16) {}

  /** The plan of `cc` called with `timeoutSeconds`; made once per clientConfig object. */
  async plan(cc: WebhookClientConfig, timeoutSeconds: number): Promise<Endpoint> {
    const known = this.plans.get(cc);
    if (known && known.timeoutSeconds === timeoutSeconds) return known;
    const ca = decodeCaBundle(cc.caBundle);
    // A URL target does not depend on the cluster: parse it once (it throws as a call would).
    const fixed = cc.url ? await resolveTarget(cc, timeoutSeconds, () => Promise.reject(new Error('unreachable'))) : undefined;
    const plan: Endpoint = {
      clientConfig: cc,
      timeoutSeconds,
      ...(fixed ? { fixed } : {}),
      ...(ca ? { secureContext: secureContextFor({ ca }) } : {}),
      agent: this.agentFor(ca ?? ''),
    };
    this.plans.set(cc, plan);
    return plan;
  }

  /** Where this call goes: the fixed URL target, or the Service's current endpoint. */
  target(plan: Endpoint, resolve: ServiceResolver): CallTarget | Promise<CallTarget> {
    return plan.fixed ?? resolveTarget(plan.clientConfig, plan.timeoutSeconds, resolve);
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private agentFor(ca: string): Agent {
    let agent = this.agents.get(ca);
    if (!agent) {
      if (this.agents.size >= MAX_AGENTS) this.close();
      agent = new Agent({ keepAlive: true, maxSockets: this.maxSockets });
      this.agents.set(ca, agent);
    }
    return agent;
  }
}
