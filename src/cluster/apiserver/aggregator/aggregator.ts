/**
 * API aggregation: requests under `/apis/<group>/<version>` of an APIService backed by a Service
 * are forwarded to that Service with the caller's identity in X-Remote-* headers, over TLS
 * authenticated by the front-proxy client certificate.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { asStatusError, serviceUnavailable, type KubeObject } from '../../../api/meta/index.js';
import type { UserInfo } from '../contracts.js';
import type { ServiceResolver } from '../admission/call.js';
import { apiServiceForPath, backendTarget, isAvailable, specOf } from './apiservice.js';
import { proxyRequest, proxyUpgradeRequest, writeStatusToSocket, type BackendTarget, type ClientCertificate } from './proxy.js';

export interface AggregatorOptions {
  /** Current APIService objects. */
  readonly apiServices: () => readonly KubeObject[];
  readonly resolveService: ServiceResolver;
  /** The front-proxy client certificate and key (PEM), signed by the request-header CA backends trust. */
  readonly proxyClientCertificate: ClientCertificate;
  /** Proxy even when the Available condition is not True (tests, or before the first probe). Default false. */
  readonly ignoreAvailability?: boolean;
}

/** Routes aggregated group-versions to their backends. */
export class Aggregator {
  constructor(private readonly opts: AggregatorOptions) {}

  /** The non-Local APIService serving this request path, or undefined (the core serves it itself). */
  match(path: string): KubeObject | undefined {
    return apiServiceForPath(path, this.opts.apiServices());
  }

  /**
   * Forwards an (already authenticated and authorised) request to the backend of the APIService
   * matching its path, streaming the answer. Call it before reading the request body.
   * Rejects with StatusError 503 when the service is unavailable or unreachable (or nothing matches: call match() first).
   */
  async proxy(req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const target = await this.targetFor(req);
    await proxyRequest(target, this.opts.proxyClientCertificate, req, res, user, req.url ?? '/');
  }

  /** The same for an Upgrade request (websockets): relays the 101 and pipes raw bytes afterwards. */
  async proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, user: UserInfo): Promise<void> {
    let target: BackendTarget;
    try {
      target = await this.targetFor(req);
    } catch (err) {
      writeStatusToSocket(socket, asStatusError(err));
      return;
    }
    await proxyUpgradeRequest(target, this.opts.proxyClientCertificate, req, socket, head, user, req.url ?? '/');
  }

  private async targetFor(req: IncomingMessage): Promise<BackendTarget> {
    const path = req.url ?? '/';
    const apiService = this.match(path);
    const svc = apiService ? specOf(apiService).service : undefined;
    if (!apiService || !svc) throw serviceUnavailable(`no APIService serves ${path.split('?', 1)[0]}`);
    if (!this.opts.ignoreAvailability && !isAvailable(apiService)) throw serviceUnavailable('service unavailable');
    let addr: { host: string; port: number };
    try {
      addr = await this.opts.resolveService(svc.namespace, svc.name, svc.port ?? 443);
    } catch (err) {
      throw serviceUnavailable(`error trying to reach service: ${err instanceof Error ? err.message : String(err)}`);
    }
    return backendTarget(apiService, addr);
  }
}
