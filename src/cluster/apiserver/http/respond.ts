/**
 * Writing responses: JSON bodies, metav1.Status errors (the one place errors become responses),
 * and the Accept negotiation kubectl uses (`as=Table`, protobuf with a JSON fallback).
 */
import type { ServerResponse } from 'node:http';
import { asStatusError, internalError, type StatusError } from '../../../api/meta/index.js';
import { afterCommit } from '../store/commit-gate.js';
import { toJson } from '../store/json-memo.js';

/**
 * Writes a JSON body with a status code (an object whose JSON is already known is not serialised
 * again), once the store's open write batch is committed; if that commit fails, a 500 instead.
 */
export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  writeJsonText(res, code, toJson(body));
}

/** writeJson for a body already serialised (`data` is JSON text), with the same wait for the open write batch. */
export function writeJsonText(res: ServerResponse, code: number, data: string): void {
  afterCommit((err) => {
    if (res.destroyed) return;
    try {
      if (err !== undefined) {
        writeError(res, internalError(`storage commit failed: ${String((err as Error)?.message ?? err)}`));
        return;
      }
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-cache, private' });
      res.end(data);
    } catch {
      res.destroy();
    }
  });
}

/** Converts anything thrown into a metav1.Status response. */
export function writeError(res: ServerResponse, err: unknown): StatusError {
  const se = asStatusError(err);
  if (res.headersSent) {
    res.destroy();
    return se;
  }
  const headers: Record<string, string> = {};
  if (se.code === 401) headers['WWW-Authenticate'] = 'Basic realm="kubernetes-master"';
  if (se.details?.retryAfterSeconds) headers['Retry-After'] = String(se.details.retryAfterSeconds);
  const data = JSON.stringify(se.toStatus());
  res.writeHead(se.code, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-cache, private' });
  res.end(data);
  return se;
}

/** One media range of an Accept header with its parameters. */
interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type = '', ...ps] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** True when the client asks for a meta.k8s.io Table (and accepts JSON for it). */
export function wantsTable(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params.as === 'Table' && (m.params.g ?? 'meta.k8s.io') === 'meta.k8s.io') return true;
    if (m.type === 'application/json' && !m.params.as) return false;
  }
  return false;
}

/** True when the client asks for PartialObjectMetadata(List) (metadata-only informers). */
export function wantsPartialMetadata(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && (m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList')) return true;
    if (m.type === 'application/json' && !m.params.as) return false;
  }
  return false;
}
