/**
 * What each VMI subresource requires of the VMI before virt-api calls its node's virt-handler,
 * with upstream's errors and codes (pkg/virt-api/rest: lifecycle.go, subresource.go, console.go,
 * vnc.go, portforward.go). Pure.
 */
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { vmiCondition } from '../../api/kubevirt/index.js';
import { StatusError, badRequest } from '../../api/meta/index.js';
import { VMI_GUEST_AGENT_ERR, VMI_NOT_PAUSED, VMI_NOT_RUNNING, VM_NOT_RUNNING, vmiConflict, vmiForbidden } from './errors.js';
import type { VMISubresource } from './routes.js';

const nameOf = (vmi: VirtualMachineInstance): string => vmi.metadata?.name ?? '';
const running = (vmi: VirtualMachineInstance): boolean => vmi.status?.phase === 'Running';
const hasCondition = (vmi: VirtualMachineInstance, type: Parameters<typeof vmiCondition>[1]): boolean => vmiCondition(vmi, type) !== undefined;

function checkPause(vmi: VirtualMachineInstance): void {
  if (!running(vmi)) throw vmiConflict(nameOf(vmi), VM_NOT_RUNNING);
  if (vmi.spec.livenessProbe) throw vmiForbidden(nameOf(vmi), 'Pausing VMIs with LivenessProbe is currently not supported');
  if (hasCondition(vmi, 'Paused')) throw vmiConflict(nameOf(vmi), 'VMI is already paused');
  const mig = vmi.status?.migrationState;
  if (mig && !mig.completed) throw vmiConflict(nameOf(vmi), `Cannot pause VM '${nameOf(vmi)}' because it is currently being migrated`);
}

function checkUnpause(vmi: VirtualMachineInstance): void {
  if (!running(vmi)) throw vmiConflict(nameOf(vmi), VMI_NOT_RUNNING);
  if (!hasCondition(vmi, 'Paused')) throw vmiConflict(nameOf(vmi), VMI_NOT_PAUSED);
}

function checkSoftReboot(vmi: VirtualMachineInstance): void {
  if (!running(vmi)) throw vmiConflict(nameOf(vmi), VM_NOT_RUNNING);
  if (vmiCondition(vmi, 'Paused')?.status === 'True') throw vmiConflict(nameOf(vmi), 'VMI is paused');
  if (!hasCondition(vmi, 'AgentConnected') && vmi.spec.domain.features?.acpi?.enabled === false) {
    throw vmiConflict(nameOf(vmi), 'VMI neither have the agent connected nor the ACPI feature enabled');
  }
}

function checkGuestAgent(vmi: VirtualMachineInstance): void {
  if (!running(vmi)) throw vmiConflict(nameOf(vmi), VMI_NOT_RUNNING);
  if (!hasCondition(vmi, 'AgentConnected')) throw vmiConflict(nameOf(vmi), VMI_GUEST_AGENT_ERR);
}

function checkStream(vmi: VirtualMachineInstance, sub: VMISubresource): void {
  if (vmi.status?.phase === 'Failed') throw vmiConflict(nameOf(vmi), 'VMI is in failed status');
  if (!running(vmi)) throw badRequest(VMI_NOT_RUNNING);
  const devices = vmi.spec.domain.devices;
  if (sub === 'console' && devices.autoattachSerialConsole === false) throw badRequest('No serial consoles are present.');
  if ((sub === 'vnc' || sub === 'vnc/screenshot') && devices.autoattachGraphicsDevice === false) throw badRequest('No graphics devices are present.');
}

/** Throws the StatusError upstream answers when `sub` cannot act on `vmi` now. */
export function checkVMI(vmi: VirtualMachineInstance, sub: VMISubresource): void {
  switch (sub) {
    case 'pause':
      return checkPause(vmi);
    case 'unpause':
      return checkUnpause(vmi);
    case 'softreboot':
      return checkSoftReboot(vmi);
    case 'reset':
      return;
    case 'guestosinfo':
    case 'userlist':
    case 'filesystemlist':
      return checkGuestAgent(vmi);
    case 'console':
    case 'vnc':
    case 'vnc/screenshot':
    case 'portforward':
      return checkStream(vmi, sub);
  }
}

/** virt-handler is only reachable for a Scheduled or Running VMI (400 otherwise, as upstream). */
export function checkHandlerReachable(vmi: VirtualMachineInstance): void {
  const phase = vmi.status?.phase ?? '';
  if (phase !== 'Running' && phase !== 'Scheduled') {
    throw badRequest(`Unable to connect to VirtualMachineInstance because phase is ${phase} instead of Running or Scheduled`);
  }
}

/** The pod IP port-forward connects to: the first interface's (400 without one). */
export function portForwardTarget(vmi: VirtualMachineInstance): string {
  const ip = vmi.status?.interfaces?.[0]?.ipAddress;
  if (!ip) throw badRequest('no network interfaces are present');
  return ip;
}

/** `reset` failing on a VMI that is not running gets upstream's explanation prepended. */
export function resetFailure(vmi: VirtualMachineInstance, err: StatusError): StatusError {
  if (running(vmi)) return err;
  return new StatusError(err.code, err.reason, `Failed to reset non-running VMI with phase ${vmi.status?.phase ?? ''}: ${err.message}`, err.details);
}
