/**
 * The launcher's network: QEMU user-mode networking for local runs, or the pod network
 * (masquerade: bridge + tap + nftables NAT + DHCP) inside a pod's network namespace.
 */
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { LauncherError } from '../../launcher-rpc/index.js';
import type { InterfaceBackend } from '../converter/context.js';

/** User-mode backends for every interface of the VMI. */
export function userNetwork(vmi: VirtualMachineInstance): Record<string, InterfaceBackend> {
  const out: Record<string, InterfaceBackend> = {};
  for (const i of vmi.spec.domain.devices.interfaces ?? []) out[i.name] = { type: 'user', ...(i.macAddress ? { mac: i.macAddress } : {}) };
  return out;
}

/** The error a launcher without network privileges gives when asked for the pod network. */
export function noPodNetworkError(detail: string): LauncherError {
  return new LauncherError('Network', 'NetworkSetupFailed', `pod network: cannot set up the masquerade binding (${detail}); run the launcher inside a pod's network namespace with CAP_NET_ADMIN, or pass --network user`);
}
