/** Small HTTP helpers of the subresource server: JSON/text answers, Status errors, bounded bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { asStatusError, tooLarge } from '../../api/meta/index.js';
import { undecodableBody } from './errors.js';

/** Largest request body accepted (options structs are tiny; a VM for expand-vm-spec fits). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Writes `body` as JSON with `code`. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a bare status code (upstream's 202 Accepted / 200 OK with no body). */
export function sendEmpty(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'Content-Length': 0 });
  res.end();
}

/** Writes plain text (go-restful's WriteError answers errors this way on GET guest-agent calls). */
export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes any error as a metav1.Status with its code. */
export function sendError(res: ServerResponse, err: unknown): void {
  const se = asStatusError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, se.code, se.toStatus());
}

/** Reads the body; undefined (and the request destroyed) once it grows past `maxBytes`. */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads the body, refusing more than MAX_BODY_BYTES (413). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const body = await readBoundedBody(req, MAX_BODY_BYTES);
  if (body === undefined) throw tooLarge();
  return body;
}

/** Decodes a JSON or YAML options body; empty means `{}` (upstream's YAMLOrJSONDecoder; EOF is fine). */
export function decodeOptions(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = text.startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw undecodableBody(e);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw undecodableBody(new Error(`cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into an options object`));
  return v as Record<string, unknown>;
}

type FieldType = 'boolean' | 'integer' | 'strings';

/** Checks the types of the known fields of an options object (unknown fields are ignored, as Go's decoder does). */
export function typedOptions<T>(struct: string, v: Record<string, unknown>, fields: Readonly<Record<string, FieldType>>): T {
  for (const [k, t] of Object.entries(fields)) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    const ok = t === 'boolean' ? typeof x === 'boolean' : t === 'integer' ? Number.isInteger(x) : Array.isArray(x) && x.every((s) => typeof s === 'string');
    if (!ok) {
      const goType = t === 'boolean' ? 'bool' : t === 'integer' ? 'int64' : '[]string';
      throw undecodableBody(new Error(`json: cannot unmarshal ${Array.isArray(x) ? 'array' : typeof x} into Go struct field ${struct}.${k} of type ${goType}`));
    }
  }
  return v as T;
}
