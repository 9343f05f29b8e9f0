/**
 * virt-api's client of the virt-handler console server on a VMI's node: mutually authenticated
 * TLS (virt-api's client certificate, the handler's serving certificate, both from the KubeVirt
 * CA), plain requests for lifecycle and guest-agent calls, websockets for console and VNC.
 */
import https from 'node:https';
import WebSocket from 'ws';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError, badRequest, internalError, type KubeObject } from '../../api/meta/index.js';
import type { KubeClient } from '../../client/kube-client.js';

/** Where a node's virt-handler console server listens. */
export interface HandlerEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Finds the console server of a node's virt-handler. */
export type HandlerLocator = (nodeName: string) => Promise<HandlerEndpoint>;

/** TLS material virt-api uses toward virt-handler. */
export interface HandlerTls {
  /** PEM of the CA that signed the handlers' serving certificates. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** Name the handlers' serving certificates carry. Default "virt-handler". */
  readonly servername?: string;
}

/** Upstream's console server port on each node. */
export const HANDLER_CONSOLE_PORT = 8186;
/** The websocket subprotocol of console, VNC and port-forward streams. */
export const PLAIN_SUBPROTOCOL = 'plain.kubevirt.io';

/** Locates virt-handler by its pod on the node (label kubevirt.io=virt-handler), as upstream does. */
export function podLocator(client: KubeClient, namespace: string, port = HANDLER_CONSOLE_PORT): HandlerLocator {
  return async (nodeName) => {
    const list = await client.get<{ items?: KubeObject[] }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, {
      query: { labelSelector: 'kubevirt.io=virt-handler', fieldSelector: `spec.nodeName=${nodeName}` },
    });
    const ip = list.items?.map((p) => (p.status as { podIP?: string } | undefined)?.podIP).find((x) => x);
    if (!ip) throw badRequest(`no virt-handler pod found on node ${nodeName}`);
    return { host: ip, port };
  };
}

/** The handler path of a VMI subresource. */
export function handlerPath(vmi: VirtualMachineInstance, sub: string): string {
  const ns = encodeURIComponent(vmi.metadata?.namespace ?? 'default');
  return `/v1/namespaces/${ns}/virtualmachineinstances/${encodeURIComponent(vmi.metadata?.name ?? '')}/${sub}`;
}

/** An answer of the handler. */
export interface HandlerAnswer {
  readonly code: number;
  readonly contentType: string;
  readonly body: Buffer;
}

function failure(what: string, err: unknown): StatusError {
  return internalError(`${what}: ${err instanceof Error ? err.message : String(err)}`, err);
}

/** Calls virt-handler for VMIs. */
export class HandlerClient {
  constructor(private readonly locate: HandlerLocator, private readonly tls: HandlerTls, private readonly timeoutMs = 10_000) {}

  private async endpoint(vmi: VirtualMachineInstance): Promise<HandlerEndpoint> {
    const node = vmi.status?.nodeName;
    if (!node) throw badRequest('VMI is not scheduled to a node');
    return this.locate(node);
  }

  private tlsOptions(): { ca: string; cert: string; key: string; servername: string } {
    return { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key, servername: this.tls.servername ?? 'virt-handler' };
  }

  /** One request; resolves with any answer, rejects (500) when the handler cannot be reached. */
  async request(vmi: VirtualMachineInstance, method: 'GET' | 'PUT', sub: string, body?: Buffer): Promise<HandlerAnswer> {
    const ep = await this.endpoint(vmi);
    return new Promise((resolve, reject) => {
      const req = https.request({ host: ep.host, port: ep.port, method, path: handlerPath(vmi, sub), ...this.tlsOptions(), agent: false, timeout: this.timeoutMs, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(failure('reading virt-handler answer', e)));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      });
      req.on('timeout', () => req.destroy(new Error(`virt-handler did not answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(failure('connecting to virt-handler', e)));
      req.end(body);
    });
  }

  /** Opens a websocket to the handler's `sub` stream; rejects with the handler's status when refused. */
  async dial(vmi: VirtualMachineInstance, sub: string): Promise<WebSocket> {
    const ep = await this.endpoint(vmi);
    const ws = new WebSocket(`wss://${ep.host}:${ep.port}${handlerPath(vmi, sub)}`, [PLAIN_SUBPROTOCOL], { ...this.tlsOptions(), handshakeTimeout: this.timeoutMs });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          ws.terminate();
          reject(answerError({ code: res.statusCode ?? 500, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        });
      });
      ws.once('error', (e) => reject(failure('dialing virt-handler', e)));
    });
  }
}

/** A non-2xx handler answer as a StatusError (its metav1.Status when it sent one). */
export function answerError(a: HandlerAnswer): StatusError {
  const text = a.body.toString('utf8');
  try {
    const s = JSON.parse(text) as { kind?: string; code?: number; reason?: string; message?: string };
    if (s.kind === 'Status' && typeof s.message === 'string') return new StatusError(s.code ?? a.code, (s.reason ?? 'InternalError') as StatusError['reason'], s.message);
  } catch {
    // not a Status
  }
  return new StatusError(a.code, a.code === 404 ? 'NotFound' : a.code === 400 ? 'BadRequest' : 'InternalError', text || `virt-handler answered ${a.code}`);
}
