/**
 * The HTTPS leg of a webhook call: where clientConfig points (a URL, or a Service resolved through
 * its Endpoints with the TLS name `<svc>.<ns>.svc`), and one JSON POST with a deadline.
 */
import type { WebhookClientConfig } from './types.js';
import type { Http1Pool, Http1Response } from './http1.js';

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
const HEADERS = 'Content-Type: application/json\r\nAccept: application/json\r\n';

/**
 * POSTs `body` as JSON over a connection of `pool` (which must lead to `target`) and parses the
 * JSON answer. Rejects with Go-like wording: `Post "<url>": context deadline exceeded` on timeout,
 * the status code on a non-2xx answer.
 */
export async function postJson(pool: Http1Pool, target: CallTarget, body: unknown, timeoutMs: number): Promise<unknown> {
  return postJsonText(pool, target, JSON.stringify(body), timeoutMs);
}

/** postJson with the body already serialised. */
export async function postJsonText(pool: Http1Pool, target: CallTarget, text: string, timeoutMs: number): Promise<unknown> {
  const payload = Buffer.from(text);
  const fail = (why: string, cause?: unknown): Error => new Error(`Post "${target.url}": ${why}`, { cause });
  let res: Http1Response;
  try {
    res = await pool.post(target.path, HEADERS, payload, { maxBody: MAX_RESPONSE_BYTES, timeoutMs });
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err), err);
  }
  if (res.status < 200 || res.status > 299) throw fail(`the server responded with the status code ${res.status} but did not return more information`);
  try {
    return JSON.parse(res.body.toString('utf8')) as unknown;
  } catch (err) {
    throw fail(`invalid JSON in response: ${(err as Error).message}`, err);
  }
}
