/**
 * The launcher pod's compute resources (upstream pkg/virt-controller/services/renderresources.go,
 * with our own overhead figures; docs/launcher-pod.md explains the formula).
 *
 * memory request = guest memory request + overhead, where
 *   overhead = launcher 50 MiB + libvirtd 30 MiB + virtlogd 17 MiB + QEMU fixed 32 MiB (provisional,
 *              to be replaced by the bench/ measurement) + guest memory / 512 (page tables, as
 *              upstream) + 8 MiB per vCPU (as upstream)
 * cpu request = the VMI's cpu request, else vCPUs / cpuAllocationRatio.
 * Limits carry the device plugins' resources: kvm (unless emulation), tun, vhost-net.
 */
import {
  KVM_DEVICE,
  TUN_DEVICE,
  VHOST_NET_DEVICE,
  formatQuantity,
  quantityMilliValue,
  quantityValue,
  type VirtualMachineInstance,
} from '../../api/kubevirt/index.js';
import type { ResourceList } from '../pod.js';

const MiB = 1024 * 1024;
/** Resident memory of our processes in the launcher pod, measured on the dev machine. */
export const LAUNCHER_PROCESS_BYTES = 50 * MiB;
export const LIBVIRTD_BYTES = 30 * MiB;
export const VIRTLOGD_BYTES = 17 * MiB;
/** QEMU's fixed cost beyond guest RAM; provisional until bench/ measures it. */
export const QEMU_FIXED_BYTES = 32 * MiB;
export const PER_VCPU_BYTES = 8 * MiB;

/** What the renderer reads from the cluster configuration. */
export interface ResourceConfig {
  readonly cpuAllocationRatio: number;
  readonly useEmulation: boolean;
}

/** vCPUs of the guest: sockets x cores x threads, at least 1. */
export function vcpuCount(vmi: VirtualMachineInstance): number {
  const cpu = vmi.spec.domain.cpu;
  const n = (cpu?.sockets ?? 1) * (cpu?.cores ?? 1) * (cpu?.threads ?? 1);
  return n > 0 ? n : 1;
}

/** Guest memory in bytes: memory.guest, else the memory request, else the limit; 0 if none. */
export function guestMemoryBytes(vmi: VirtualMachineInstance): number {
  const d = vmi.spec.domain;
  return quantityValue(d.memory?.guest ?? d.resources?.requests?.['memory'] ?? d.resources?.limits?.['memory']);
}

/** The memory the launcher pod needs beyond what the guest is given, in bytes (whole MiB). */
export function memoryOverheadBytes(vmi: VirtualMachineInstance): number {
  const fixed = LAUNCHER_PROCESS_BYTES + LIBVIRTD_BYTES + VIRTLOGD_BYTES + QEMU_FIXED_BYTES;
  const pageTables = guestMemoryBytes(vmi) / 512;
  const total = fixed + pageTables + vcpuCount(vmi) * PER_VCPU_BYTES;
  return Math.ceil(total / MiB) * MiB;
}

const mi = (bytes: number): string => formatQuantity(bytes, 'BinarySI');

/** True when some interface uses a virtio model (virtio is the default, also of the auto-attached pod NIC). */
function hasVirtioNIC(vmi: VirtualMachineInstance): boolean {
  const ifaces = vmi.spec.domain.devices.interfaces ?? [];
  if (ifaces.length === 0) return vmi.spec.domain.devices.autoattachPodInterface !== false;
  return ifaces.some((i) => i.sriov === undefined && (i.model ?? 'virtio') === 'virtio');
}

/** Interfaces whose backend is a tap device in the pod (all bindings but SR-IOV). */
function hasTapNIC(vmi: VirtualMachineInstance): boolean {
  const ifaces = vmi.spec.domain.devices.interfaces ?? [];
  return ifaces.length === 0 ? vmi.spec.domain.devices.autoattachPodInterface !== false : ifaces.some((i) => i.sriov === undefined);
}

/** Requests and limits of the `compute` container. */
export function computeResources(vmi: VirtualMachineInstance, config: ResourceConfig): { requests: ResourceList; limits: ResourceList } {
  const res = vmi.spec.domain.resources ?? {};
  const overhead = memoryOverheadBytes(vmi);
  const guestRequest = Math.ceil(quantityValue(res.requests?.['memory'] ?? vmi.spec.domain.memory?.guest));
  const requests: ResourceList = { memory: mi(guestRequest + (res.overcommitGuestOverhead ? 0 : overhead)) };
  const cpuRequest = res.requests?.['cpu'];
  requests['cpu'] = cpuRequest !== undefined ? String(cpuRequest) : `${Math.ceil((vcpuCount(vmi) * 1000) / Math.max(config.cpuAllocationRatio, 1))}m`;
  const limits: ResourceList = {};
  if (res.limits?.['memory'] !== undefined) limits['memory'] = mi(quantityValue(res.limits['memory']) + overhead);
  if (res.limits?.['cpu'] !== undefined) limits['cpu'] = `${quantityMilliValue(res.limits['cpu'])}m`;
  if (!config.useEmulation) limits[KVM_DEVICE] = '1';
  if (hasTapNIC(vmi)) limits[TUN_DEVICE] = '1';
  if (hasVirtioNIC(vmi) && !config.useEmulation) limits[VHOST_NET_DEVICE] = '1';
  return { requests, limits };
}
