/**
 * The errors of the subresource API, worded as upstream's virt-api words them (resource names
 * are upstream's singular `virtualmachine` / `virtualmachineinstance` in group kubevirt.io).
 */
import { StatusError, badRequest, conflict, internalError, notFound, type GroupResource } from '../../api/meta/index.js';

/** Upstream's v1.Resource("virtualmachine") and v1.Resource("virtualmachineinstance"). */
export const VM_RESOURCE: GroupResource = { group: 'kubevirt.io', resource: 'virtualmachine' };
export const VMI_RESOURCE: GroupResource = { group: 'kubevirt.io', resource: 'virtualmachineinstance' };

export const VM_NOT_RUNNING = 'VM is not running';
export const VMI_NOT_RUNNING = 'VMI is not running';
export const VMI_NOT_PAUSED = 'VMI is not paused';
export const VMI_GUEST_AGENT_ERR = 'VMI does not have guest agent connected';

/** 409 on a VM. */
export const vmConflict = (name: string, why: string): StatusError => conflict(VM_RESOURCE, name, why);
/** 409 on a VMI. */
export const vmiConflict = (name: string, why: string): StatusError => conflict(VMI_RESOURCE, name, why);
/** 404 for a VM or VMI. */
export const vmNotFound = (name: string): StatusError => notFound(VM_RESOURCE, name);
export const vmiNotFound = (name: string): StatusError => notFound(VMI_RESOURCE, name);
/** 403 on a VMI, as apimachinery's NewForbidden words it. */
export const vmiForbidden = (name: string, why: string): StatusError =>
  new StatusError(403, 'Forbidden', `${VMI_RESOURCE.resource}.${VMI_RESOURCE.group} "${name}" is forbidden: ${why}`, { name, group: VMI_RESOURCE.group, kind: VMI_RESOURCE.resource });

/** The body could not be decoded into the options struct. */
export const undecodableBody = (err: unknown): StatusError =>
  badRequest(`Can not unmarshal Request body to struct, error: ${err instanceof Error ? err.message : String(err)}`);

/** Any other failure, as apimachinery's NewInternalError. */
export const internal = (err: unknown): StatusError => (err instanceof StatusError && err.code === 500 ? err : internalError(err instanceof Error ? err.message : String(err), err));

/** A patch that failed its JSON Patch `test` (someone changed the object meanwhile) becomes a 409, others a 500. */
export function patchFailure(kind: 'vm' | 'vmi', name: string, err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof StatusError && err.code !== 404 && /\btest\b/.test(msg)) return (kind === 'vm' ? vmConflict : vmiConflict)(name, msg);
  if (err instanceof StatusError && (err.code === 404 || err.code === 409 || err.code === 422)) return err;
  return internal(err);
}
