/**
 * The HTTPS leg of a webhook call: where clientConfig points (a URL, or a Service resolved through
 * its Endpoints with the TLS name `<svc>.<ns>.svc`), and one JSON POST with a deadline.
 */
import { request, type Agent } from 'node:https';
import { isIP } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { WebhookClientConfig } from './types.js';
import { secureContextFor } from '../tls-contexts.js';

/** Resolves a Service port to an address that serves it (the core picks a ready Endpoints address). */
export type ServiceResolver = (namespace: string, name: string, port: number) => Promise<{ host: string; port: number }>;

/** Where one call goes: the address to dial, the name the certificate must carry, and the URL shown in errors. */
export interface CallTarget {
  readonly host: string;
  readonly port: number;
  readonly servername: string;
  readonly path: string;
  readonly url: string;
}

/** The DNS name a Service's serving certificate carries (`<svc>.<ns>.svc`). */
export function serviceServerName(namespace: string, name: string): string {
  return `${name}.${namespace}.svc`;
}

/** PEM CA certificates from a base64 caBundle; undefined (system roots) when empty. */
export function decodeCaBundle(caBundle: string | undefined): string | undefined {
  if (!caBundle) return undefined;
  const pem = Buffer.from(caBundle, 'base64').toString('utf8');
  return pem.includes('-----BEGIN') ? pem : undefined;
}

/** The call target of a webhook clientConfig with `?timeout=Ns` appended as kube-apiserver does. */
export async function resolveTarget(cc: WebhookClientConfig, timeoutSeconds: number, resolve: ServiceResolver): Promise<CallTarget> {
  const query = `timeout=${timeoutSeconds}s`;
  if (cc.url) {
    const u = new URL(cc.url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const path = `${u.pathname}${u.search ? `${u.search}&` : '?'}${query}`;
    return { host, port: Number(u.port || 443), servername: host, path, url: `${u.origin}${path}` };
  }
  const svc = cc.service;
  if (!svc) throw new Error('webhook clientConfig has neither url nor service');
  const port = svc.port ?? 443;
  const servername = serviceServerName(svc.namespace, svc.name);
  const rawPath = svc.path ?? '/';
  const path = `${rawPath.startsWith('/') ? rawPath : `/${rawPath}`}?${query}`;
  const url = `https://${servername}:${port}${path}`;
  try {
    const addr = await resolve(svc.namespace, svc.name, port);
    return { host: addr.host, port: addr.port, servername, path, url };
  } catch (err) {
    throw new Error(`Post "${url}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** How postJson connects: `secureContext` alone only with an agent that pools no other trust; else `ca`. */
export interface PostOptions {
  readonly timeoutMs: number;
  readonly agent?: Agent;
  /** PEM CA certificates; the agent keeps connections of different `ca` apart. */
  readonly ca?: string;
  /** The trust of a dedicated agent (see WebhookEndpoints): connections are keyed without the CA text. */
  readonly secureContext?: SecureContext;
}

/** The TLS trust options of a request (see PostOptions). */
function trustOptions(opts: PostOptions): { ca?: string; secureContext?: SecureContext } {
  if (opts.secureContext) return { secureContext: opts.secureContext };
  // `ca` stays beside the context so the agent never pools connections of different trust together.
  return opts.ca ? { ca: opts.ca, secureContext: secureContextFor({ ca: opts.ca }) } : {};
}

/**
 * POSTs `body` as JSON and parses the JSON answer. Rejects with Go-like wording:
 * `Post "<url>": context deadline exceeded` on timeout, the status code on a non-2xx answer.
 */
export function postJson(target: CallTarget, body: unknown, opts: PostOptions): Promise<unknown> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const fail = (why: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`Post "${target.url}": ${why}`, { cause }));
    };
    const req = request({
      host: target.host,
      port: target.port,
      path: target.path,
      method: 'POST',
      // SNI may not be an IP address; Node then checks the certificate against `host` instead.
      servername: isIP(target.servername) ? undefined : target.servername,
      ...trustOptions(opts),
      agent: opts.agent,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length },
    });
    const timer = setTimeout(() => {
      fail('context deadline exceeded');
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (err) => fail(err.message, err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) {
          fail('response body too large');
          req.destroy();
        } else chunks.push(c);
      });
      res.on('error', (err) => fail(err.message, err));
      res.on('end', () => {
        if (settled) return;
        const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) {
          fail(`the server responded with the status code ${code} but did not return more information`);
          return;
        }
        try {
          const parsed: unknown = JSON.parse(text);
          settled = true;
          clearTimeout(timer);
          resolvePromise(parsed);
        } catch (err) {
          fail(`invalid JSON in response: ${(err as Error).message}`, err);
        }
      });
    });
    req.end(payload);
  });
}
