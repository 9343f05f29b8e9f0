/**
 * cloud-init volume rules (upstream validateVolumes): at most one user-data and one network-data
 * source, valid base64, inline data within 2048 bytes, and at least one source in all.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { CloudInitNoCloudSource } from '../kubevirt/volumes.js';
import { invalidCause } from './cause.js';

/** Inline cloud-init data limit; larger data belongs in a secret (upstream cloudInitUserMaxLen). */
export const CLOUD_INIT_MAX_LEN = 2048;

/** Decodes standard base64 strictly as Go's StdEncoding does; undefined when invalid. */
export function decodeStdBase64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

interface DataSource {
  readonly kind: 'user' | 'network';
  readonly secretName?: string;
  readonly base64: string;
  readonly inline: string;
}

function checkSource(field: FieldPath, src: DataSource, errs: FieldError[]): number {
  const label = src.kind === 'user' ? 'userData' : 'networkData';
  let count = 0;
  let length = 0;
  if (src.secretName) count++;
  if (src.base64 !== '') {
    count++;
    const decoded = decodeStdBase64(src.base64);
    if (!decoded) {
      const f = field.child(`${label}Base64`);
      errs.push(invalidCause(f, `${String(f)}.${String(field).split('.').pop()!}.${label}Base64 is not a valid base64 value.`));
    }
    length = decoded?.length ?? 0;
  }
  if (src.inline !== '') {
    count++;
    length = Buffer.byteLength(src.inline, 'utf8');
  }
  if (count > 1) {
    const what = src.kind === 'user' ? 'userdatasource' : 'networkdata source';
    errs.push(invalidCause(field, `${String(field)} must have only one ${what} set.`));
  }
  if (length > CLOUD_INIT_MAX_LEN) {
    const ref = src.kind === 'user' ? 'UserDataSecretRef' : 'NetworkDataSecretRef';
    errs.push(invalidCause(field, `${String(field)} ${src.kind === 'user' ? 'userdata' : 'networkdata'} exceeds ${CLOUD_INIT_MAX_LEN} byte limit. Should use ${ref} for larger data.`));
  }
  return count;
}

/** Rules of one cloudInitNoCloud or cloudInitConfigDrive source at `field`. */
export function validateCloudInit(field: FieldPath, source: CloudInitNoCloudSource): FieldError[] {
  const errs: FieldError[] = [];
  const user = checkSource(field, { kind: 'user', secretName: source.secretRef?.name, base64: source.userDataBase64 ?? '', inline: source.userData ?? '' }, errs);
  const network = checkSource(
    field,
    { kind: 'network', secretName: source.networkDataSecretRef?.name, base64: source.networkDataBase64 ?? '', inline: source.networkData ?? '' },
    errs,
  );
  if (user === 0 && network === 0) {
    errs.push(invalidCause(field, `${String(field)} must have at least one userdatasource or one networkdatasource set.`));
  }
  return errs;
}
