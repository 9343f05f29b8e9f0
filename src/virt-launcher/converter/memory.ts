/** Guest memory in bytes, hugepage backing, and the memory balloon. */
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { quantityValue } from '../../api/kubevirt/quantity.js';
import { StatusError } from '../../api/meta/index.js';
import type { DomainSpec, MemBalloonSpec } from './types.js';

/** Guest memory: `memory.guest`, else the memory request, else the limit (what defaulting leaves there). */
export function guestMemoryBytes(spec: VirtualMachineInstanceSpec): number {
  const d = spec.domain;
  const q = d.memory?.guest ?? d.resources?.requests?.['memory'] ?? d.resources?.limits?.['memory'];
  const bytes = quantityValue(q);
  if (bytes <= 0) throw new StatusError(422, 'Invalid', 'spec.domain.memory.guest: the VMI has no guest memory (set memory.guest or a memory request)');
  return bytes;
}

/** `<memory>` and `<memoryBacking>`. */
export function convertMemory(spec: VirtualMachineInstanceSpec): Pick<DomainSpec, 'memory' | 'memoryBacking'> {
  const pageSize = spec.domain.memory?.hugepages?.pageSize;
  return {
    memory: { $: { unit: 'b' }, _: guestMemoryBytes(spec) },
    ...(pageSize ? { memoryBacking: { hugepages: { page: { $: { size: quantityValue(pageSize), unit: 'b' } } } } } : {}),
  };
}

/** The balloon: virtio with statistics every `period` seconds; model none when autoattachMemBalloon is false. */
export function convertMemBalloon(spec: VirtualMachineInstanceSpec, virtioModel: string, period: number): MemBalloonSpec {
  if (spec.domain.devices.autoattachMemBalloon === false) return { $: { model: 'none' } };
  return { $: { model: virtioModel, freePageReporting: 'on' }, ...(period > 0 ? { stats: { $: { period } } } : {}) };
}
