/**
 * accessCredentials rules (upstream validateAccessCredentials): one credential type, one source,
 * one propagation method, and the cloud-init volume a noCloud/configDrive propagation needs.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { AccessCredential } from '../kubevirt/vmi-spec.js';
import type { Volume } from '../kubevirt/volumes.js';
import { invalidCause } from './cause.js';

function validateSSH(f: FieldPath, ssh: NonNullable<AccessCredential['sshPublicKey']>, volumes: readonly Volume[]): FieldError[] {
  const errs: FieldError[] = [];
  const method = ssh.propagationMethod ?? {};
  const pm = f.child('sshPublicKey', 'propagationMethod');
  let methods = 0;
  if (method.noCloud) {
    methods++;
    if (!volumes.some((v) => v.cloudInitNoCloud)) errs.push(invalidCause(pm, `${String(f)} requires a noCloud volume to exist when the noCloud propagationMethod is in use.`));
  }
  if (method.configDrive) {
    methods++;
    if (!volumes.some((v) => v.cloudInitConfigDrive)) errs.push(invalidCause(pm, `${String(f)} requires a configDrive volume to exist when the configDrive propagationMethod is in use.`));
  }
  if (method.qemuGuestAgent) {
    methods++;
    if ((method.qemuGuestAgent.users ?? []).length === 0) {
      errs.push(invalidCause(pm.child('qemuGuestAgent', 'users'), `${String(f)} requires at least one user to be present in the users list`));
    }
  }
  if (!ssh.source?.secret) errs.push(invalidCause(f.child('sshPublicKey', 'source'), `${String(f)} must have exactly one source set`));
  if (methods !== 1) errs.push(invalidCause(pm, `${String(f)} must have exactly one propagationMethod set`));
  return errs;
}

/** Rules of `spec.accessCredentials`. */
export function validateAccessCredentials(field: FieldPath, creds: readonly AccessCredential[] | undefined, volumes: readonly Volume[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (creds ?? []).forEach((cred, i) => {
    const f = field.index(i);
    let types = 0;
    if (cred.sshPublicKey) {
      types++;
      errs.push(...validateSSH(f, cred.sshPublicKey, volumes ?? []));
    }
    if (cred.userPassword) {
      types++;
      if (!cred.userPassword.source?.secret) errs.push(invalidCause(f.child('userPassword', 'source'), `${String(f)} must have exactly one source set`));
      if (!cred.userPassword.propagationMethod?.qemuGuestAgent) {
        errs.push(invalidCause(f.child('userPassword', 'propagationMethod'), `${String(f)} must have exactly one propagationMethod set`));
      }
    }
    if (types !== 1) errs.push(invalidCause(f, `${String(f)} must have exactly one access credential type set`));
  });
  return errs;
}
