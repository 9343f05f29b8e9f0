/**
 * Compute defaults of a VMI spec, as upstream's pkg/defaults: requests from limits, the memory
 * request from guest memory (scaled by memoryOvercommit), guest memory from the request, the CPU
 * request from the cluster, the CPU topology from the CPU count, and hotplug ceilings (LiveUpdate).
 * Each function mutates the spec it is given (a private copy made by defaultVMI).
 */
import type { VirtualMachineInstanceSpec } from '../vmi-spec.js';
import type { Quantity } from '../schema.js';
import { formatQuantity, isZeroQuantity, parseQuantity, quantityValue } from '../quantity.js';
import { hasCustomCPURequest, type ClusterConfig } from './cluster-config.js';

type Spec = VirtualMachineInstanceSpec;

/** Hugepage size as a quantity, when the page size parses. */
function hugepagesSize(spec: Spec): Quantity | undefined {
  const size = spec.domain.memory?.hugepages?.pageSize;
  return size !== undefined && parseQuantity(size) ? size : undefined;
}

/** requests.cpu/memory from limits; requests.memory from guest (or hugepage size) scaled by overcommit; requests.cpu from the cluster. */
export function setDefaultResourceRequests(config: ClusterConfig, spec: Spec): void {
  const resources = (spec.domain.resources ??= {});
  const requests = () => (resources.requests ??= {});
  const limits = resources.limits ?? {};
  for (const r of ['cpu', 'memory'] as const) {
    if (!isZeroQuantity(limits[r]) && isZeroQuantity(resources.requests?.[r])) requests()[r] = limits[r]!;
  }
  if (resources.requests?.['memory'] === undefined) {
    const memory = spec.domain.memory?.guest ?? hugepagesSize(spec);
    const parsed = parseQuantity(memory);
    if (memory !== undefined && parsed && quantityValue(memory) > 0) {
      const overcommit = config.memoryOvercommit;
      requests()['memory'] =
        overcommit === 100
          ? memory
          : formatQuantity(Math.floor((quantityValue(memory) * 100) / overcommit), parsed.format === 'BinarySI' ? 'BinarySI' : 'DecimalSI');
    }
  }
  if (hasCustomCPURequest(config) && resources.requests?.['cpu'] === undefined && !spec.domain.cpu?.dedicatedCpuPlacement) {
    requests()['cpu'] = config.cpuRequest;
  }
}

/** memory.guest from the memory request, else the limit, else the hugepage size. */
export function setGuestMemory(spec: Spec): void {
  if (spec.domain.memory?.guest !== undefined) return;
  const memory = (spec.domain.memory ??= {});
  const { requests, limits } = spec.domain.resources ?? {};
  if (!isZeroQuantity(requests?.['memory'])) memory.guest = requests!['memory']!;
  else if (!isZeroQuantity(limits?.['memory'])) memory.guest = limits!['memory']!;
  else {
    const size = hugepagesSize(spec);
    if (size !== undefined) memory.guest = size;
  }
}

/** With no topology at all: sockets = CPU limit (else request, else 1), one core, one thread. */
export function setDefaultGuestCPUTopology(spec: Spec): void {
  const cpu = spec.domain.cpu;
  if (cpu && (cpu.cores || cpu.sockets || cpu.threads)) return;
  const resources = spec.domain.resources ?? {};
  let sockets = 1;
  if (resources.limits?.['cpu'] !== undefined) sockets = quantityValue(resources.limits['cpu']);
  else if (resources.requests?.['cpu'] !== undefined) sockets = quantityValue(resources.requests['cpu']);
  spec.domain.cpu = { ...(cpu ?? {}), sockets, cores: 1, threads: 1 };
}

/** Each machine type has its own vCPU ceiling; upstream bounds hotplug at 512. */
const MAX_HOTPLUG_VCPUS = 512;
const HOTPLUG_BLOCK_ALIGNMENT = 0x200000;
const HOTPLUG_1G_HUGEPAGES_ALIGNMENT = 0x40000000;
const MIN_HOTPLUG_GUEST_MEMORY = 0x40000000;

/** Why memory hotplug cannot be set up for this spec, or undefined when it can (pkg/liveupdate/memory). */
export function memoryHotplugBlocker(spec: Spec, maxGuest: Quantity | undefined): string | undefined {
  const domain = spec.domain;
  if (domain.cpu?.realtime) return 'Memory hotplug is not compatible with realtime VMs';
  if (domain.cpu?.numa?.guestMappingPassthrough) return 'Memory hotplug is not compatible with guest mapping passthrough';
  if (domain.launchSecurity) return 'Memory hotplug is not compatible with encrypted VMs';
  const alignment = domain.memory?.hugepages?.pageSize === '1Gi' ? HOTPLUG_1G_HUGEPAGES_ALIGNMENT : HOTPLUG_BLOCK_ALIGNMENT;
  const alignmentText = formatQuantity(alignment, 'BinarySI');
  if (domain.memory?.guest === undefined) return 'Guest memory must be configured when memory hotplug is enabled';
  if (maxGuest === undefined) return 'Max guest memory must be configured when memory hotplug is enabled';
  const guest = quantityValue(domain.memory.guest);
  const max = quantityValue(maxGuest);
  if (guest > max) return 'Guest memory is greater than the configured maxGuest memory';
  if (guest % alignment !== 0) return `Guest memory must be ${alignmentText} aligned`;
  if (max % alignment !== 0) return `MaxGuest must be ${alignmentText} aligned`;
  if (spec.architecture !== 'amd64' && spec.architecture !== 'arm64') return 'Memory hotplug is only available for x86_64 and arm64 VMs';
  if (guest < MIN_HOTPLUG_GUEST_MEMORY) return 'Memory hotplug is only available for VMs with at least 1Gi of guest memory';
  return undefined;
}

/** Under the LiveUpdate rollout strategy: maxSockets and maxGuest ceilings for CPU and memory hotplug. */
export function setupHotplug(config: ClusterConfig, spec: Spec, cpuHotplug: boolean): void {
  if (config.vmRolloutStrategy !== 'LiveUpdate') return;
  const ratio = config.liveUpdate.maxHotplugRatio;
  const cpu = spec.domain.cpu;
  if (cpuHotplug && cpu) {
    const sockets = cpu.sockets ?? 0;
    if (!cpu.maxSockets) {
      let maxSockets = config.liveUpdate.maxCpuSockets ?? 0;
      if (sockets > maxSockets && maxSockets !== 0) maxSockets = sockets;
      if (maxSockets) cpu.maxSockets = maxSockets;
    }
    if (!cpu.maxSockets) {
      const perSocket = (cpu.cores || 1) * (cpu.threads || 1);
      let maxSockets = sockets * ratio;
      if (maxSockets * perSocket > MAX_HOTPLUG_VCPUS) maxSockets = Math.max(Math.floor(MAX_HOTPLUG_VCPUS / perSocket), sockets);
      if (maxSockets) cpu.maxSockets = maxSockets;
    }
  }
  const memory = spec.domain.memory;
  if (!memory || memory.maxGuest !== undefined) return;
  let maxGuest: Quantity | undefined = config.liveUpdate.maxGuest;
  if (maxGuest === undefined && memory.guest !== undefined) maxGuest = formatQuantity(quantityValue(memory.guest) * ratio, 'BinarySI');
  if (memoryHotplugBlocker(spec, maxGuest) === undefined && maxGuest !== undefined) memory.maxGuest = maxGuest;
}
