/**
 * ConfigMap and Secret validation: key syntax, the 1 MiB size limit, duplicate keys across
 * data/binaryData, typed-secret required keys, and `immutable`.
 */
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from '../../../../api/meta/index.js';
import { jsonEqual } from '../../../../api/meta/json.js';
import { rec, str, type Obj } from '../util.js';
import { goJsonObjectError } from './docker-config.js';
import { FIELD_IMMUTABLE, isConfigMapKey } from './names.js';

/** corev1.MaxSecretSize: the limit on a ConfigMap's or Secret's data. */
export const MAX_DATA_SIZE = 1024 * 1024;
const IMMUTABLE_MSG = 'field is immutable when `immutable` is set';

function keyErrors(map: Obj, path: FieldPath): FieldError[] {
  return Object.keys(map).flatMap((k) => isConfigMapKey(k).map((m) => invalid(path.key(k), k, m)));
}

function base64Size(v: unknown): number {
  const s = typeof v === 'string' ? v.replace(/=+$/, '') : '';
  return Math.floor((s.length * 3) / 4);
}

function immutableErrors(obj: Obj, old: Obj | undefined, fields: string[]): FieldError[] {
  if (!old || old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden(FieldPath.root('immutable'), IMMUTABLE_MSG));
  for (const f of fields) if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(FieldPath.root(f), IMMUTABLE_MSG));
  return errs;
}

/** A ConfigMap (old set on update). */
export function validateConfigMap(cm: Obj, old?: Obj): FieldError[] {
  const data = rec(cm.data) ?? {};
  const binary = rec(cm.binaryData) ?? {};
  const errs = [...keyErrors(data, FieldPath.root('data')), ...keyErrors(binary, FieldPath.root('binaryData'))];
  for (const k of Object.keys(data)) if (k in binary) errs.push(invalid(FieldPath.root('data').key(k), k, 'duplicate of key present in binaryData'));
  const size = Object.values(data).reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : 0), 0) + Object.values(binary).reduce<number>((n, v) => n + base64Size(v), 0);
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', undefined, MAX_DATA_SIZE));
  errs.push(...immutableErrors(cm, old, ['data', 'binaryData']));
  return errs;
}

const requiredSecretKeys: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

/** A Secret (old set on update). `stringData` is expected to be merged into `data` already. */
export function validateSecret(secret: Obj, old?: Obj): FieldError[] {
  const data = { ...(rec(secret.data) ?? {}), ...(rec(secret.stringData) ?? {}) };
  const dataPath = FieldPath.root('data');
  const errs = keyErrors(data, dataPath);
  const size = Object.values(data).reduce<number>((n, v) => n + base64Size(v), 0);
  if (size > MAX_DATA_SIZE) errs.push(tooLong(dataPath, undefined, MAX_DATA_SIZE));
  const type = str(secret.type) ?? 'Opaque';
  for (const k of requiredSecretKeys[type] ?? []) if (!(k in data)) errs.push(required(dataPath.key(k), ''));
  const dockerKey = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : type === 'kubernetes.io/dockerconfigjson' ? '.dockerconfigjson' : undefined;
  if (dockerKey && typeof data[dockerKey] === 'string') {
    const why = goJsonObjectError(Buffer.from(data[dockerKey], 'base64').toString('utf8'));
    if (why) errs.push(invalid(dataPath.key(dockerKey), '<secret contents redacted>', why));
  }
  if (type === 'kubernetes.io/ssh-auth' && data['ssh-privatekey'] === '') errs.push(required(dataPath.key('ssh-privatekey'), ''));
  if (type === 'kubernetes.io/service-account-token') {
    const ann = rec(rec(secret.metadata)?.annotations) ?? {};
    if (!str(ann['kubernetes.io/service-account.name'])) {
      errs.push(required(FieldPath.root('metadata', 'annotations').key('kubernetes.io/service-account.name'), ''));
    }
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errs.push(required(dataPath.key('username'), ''));
    errs.push(required(dataPath.key('password'), ''));
  }
  if (old && (str(old.type) ?? 'Opaque') !== type) errs.push(invalid(FieldPath.root('type'), type, FIELD_IMMUTABLE));
  errs.push(...immutableErrors(secret, old, ['data']));
  return errs;
}
