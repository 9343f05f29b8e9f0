/**
 * Secret `stringData` and `data` as kube-apiserver decodes them: each stringData entry is
 * base64-encoded into `data` (overriding a `data` key of the same name) and `stringData` is never
 * stored or returned; values that a Go client could not decode are a 400, worded as its decoder.
 */
import { badRequest } from '../../../../api/meta/index.js';
import { rec, type Obj } from '../util.js';

const undecodable = (why: string) => badRequest(`Secret in version "v1" cannot be handled as a Secret: ${why}`);

/** Go's JSON type name of a value that cannot fill a string field. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null || typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Where Go's base64.StdEncoding would reject `s` (it skips CR/LF), or -1 when it decodes. */
export function illegalBase64At(s: string): number {
  const clean = s.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]|=[^=]|={3}/.exec(clean);
  if (bad) return bad.index + (bad[0].startsWith('=') && bad[0].length > 1 && bad[0] !== '===' ? 1 : 0);
  if (clean.length % 4 !== 0) return clean.length - (clean.length % 4);
  return -1;
}

/** Merges `stringData` into `data` in place and drops it; 400 for values that are not strings or not base64. */
export function mergeSecretStringData(secret: Obj): void {
  for (const [field, value] of [['data', secret.data], ['stringData', secret.stringData]] as const) {
    if (value === undefined || value === null) continue;
    const map = rec(value);
    if (!map) throw undecodable(`json: cannot unmarshal ${goKind(value)} into Go struct field Secret.${field} of type map[string]string`);
    for (const v of Object.values(map)) {
      if (typeof v !== 'string') throw undecodable(`json: cannot unmarshal ${goKind(v)} into Go struct field Secret.${field} of type string`);
      const at = field === 'data' ? illegalBase64At(v) : -1;
      if (at >= 0) throw undecodable(`illegal base64 data at input byte ${at}`);
    }
  }
  const stringData = rec(secret.stringData);
  delete secret.stringData;
  if (!stringData) return;
  const data: Record<string, unknown> = { ...(rec(secret.data) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  secret.data = data;
}
