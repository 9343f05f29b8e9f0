/**
 * IO threads of virtio disks: with ioThreadsPolicy `shared` (or only dedicated disks) one thread
 * serves every disk that has no dedicated thread; `auto` spreads them over up to two threads per
 * vCPU; `supplementalPool` over the pool's size. A dedicatedIOThread disk gets a thread of its own.
 */
import type { Disk, DiskBus, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';

export interface IOThreadPlan {
  /** Total IO threads of the domain (`<iothreads>`), 0 for none. */
  readonly count: number;
  /** The IO thread of each virtio disk by disk name. */
  readonly byDisk: ReadonlyMap<string, number>;
}

/** Assigns IO threads to the virtio disks among `disks` (with their resolved buses). */
export function planIOThreads(spec: VirtualMachineInstanceSpec, disks: readonly { disk: Disk; bus: DiskBus }[], vcpus: number): IOThreadPlan {
  const virtio = disks.filter((d) => d.bus === 'virtio' && !d.disk.cdrom).map((d) => d.disk);
  const dedicated = virtio.filter((d) => d.dedicatedIOThread);
  const sharedDisks = virtio.filter((d) => !d.dedicatedIOThread);
  const policy = spec.domain.ioThreadsPolicy;
  if (!policy && dedicated.length === 0) return { count: 0, byDisk: new Map() };
  let pool = 1;
  if (policy === 'auto') pool = Math.max(1, Math.min(2 * vcpus, sharedDisks.length));
  if (policy === 'supplementalPool') pool = Math.max(1, spec.domain.ioThreads?.supplementalPoolThreadCount ?? 1);
  if (sharedDisks.length === 0) pool = 0;
  const byDisk = new Map<string, number>();
  sharedDisks.forEach((d, i) => byDisk.set(d.name, (i % pool) + 1));
  dedicated.forEach((d, i) => byDisk.set(d.name, pool + i + 1));
  return { count: pool + dedicated.length, byDisk };
}
