/**
 * Secret `stringData`: a write-only convenience field. Like kube-apiserver's conversion of a v1
 * Secret, each entry is base64-encoded into `data` (overriding a `data` key of the same name) and
 * `stringData` itself is never stored or returned.
 */
import { rec, type Obj } from '../util.js';

/** Merges `stringData` into `data` in place and drops it; non-string values are left for validation to reject. */
export function mergeSecretStringData(secret: Obj): void {
  const stringData = rec(secret.stringData);
  if (secret.stringData === undefined || secret.stringData === null) {
    delete secret.stringData;
    return;
  }
  if (!stringData) return;
  const data: Record<string, unknown> = { ...(rec(secret.data) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v !== 'string') return;
    data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
}
