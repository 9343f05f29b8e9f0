/**
 * Request bodies: read with a 3 MiB limit (413 beyond it), decoded as JSON or YAML by
 * Content-Type; malformed input is a 400 that names the problem.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge } from '../../../api/meta/index.js';
import { decodeKubeProtobuf } from './protobuf.js';

/** kube-apiserver's request body limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, rejecting with 413 once it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      // A body that came in one chunk (most do) is taken as it is, not copied.
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** Media type without parameters, lower case. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decodes a JSON or YAML body (by media type) into a value; 400 when malformed. */
export function decodeBody(buf: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (mt === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(buf);
  const text = buf.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml') {
    try {
      return parseYaml(text, { maxAliasCount: 100 }) as unknown;
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/** Decodes a body that must be a JSON object (an object to create or replace). */
export function decodeObject(buf: Buffer, contentType: string | undefined): Record<string, unknown> {
  const v = decodeBody(buf, contentType);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw badRequest(`Object 'Kind' is missing in '${buf.toString('utf8').slice(0, 200)}'`);
  }
  return v as Record<string, unknown>;
}
