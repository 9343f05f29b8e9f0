/** vCPU count and hotplug maximum, CPU mode/model/topology/features, and vCPU pinning for dedicated CPUs. */
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { CPU_MODE_HOST_MODEL, CPU_MODE_HOST_PASSTHROUGH } from '../../api/kubevirt/constants.js';
import { StatusError } from '../../api/meta/index.js';
import type { CPUSpec, CPUTuneSpec, DomainSpec } from './types.js';

/** qemu64 is implemented by TCG on every x86_64 host. */
export const DEFAULT_TCG_CPU_MODEL = 'qemu64';

export interface Topology {
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
  /** Sockets the guest may grow to (CPU hotplug); equals sockets when hotplug is off. */
  readonly maxSockets: number;
}

/** The topology defaulting left on the VMI (each field at least 1). */
export function topologyOf(spec: VirtualMachineInstanceSpec): Topology {
  const cpu = spec.domain.cpu ?? {};
  const sockets = Math.max(1, cpu.sockets ?? 1);
  return {
    sockets,
    cores: Math.max(1, cpu.cores ?? 1),
    threads: Math.max(1, cpu.threads ?? 1),
    maxSockets: Math.max(sockets, cpu.maxSockets ?? sockets),
  };
}

/** vCPUs at boot. */
export const vcpuCount = (t: Topology): number => t.sockets * t.cores * t.threads;

/** `<vcpu>`: the maximum (hotplug) with the boot count as `current`. */
export function convertVCPU(t: Topology): DomainSpec['vcpu'] {
  const max = t.maxSockets * t.cores * t.threads;
  const current = vcpuCount(t);
  return { $: { placement: 'static', ...(current < max ? { current } : {}) }, _: max };
}

/** `<cpu>`: host-model and host-passthrough as modes, other names as a custom model; under TCG a model TCG implements. */
export function convertCPU(spec: VirtualMachineInstanceSpec, emulation: boolean, tcgModel = DEFAULT_TCG_CPU_MODEL): CPUSpec {
  const cpu = spec.domain.cpu ?? {};
  const t = topologyOf(spec);
  const topology = { $: { sockets: t.maxSockets, dies: 1, cores: t.cores, threads: t.threads } };
  const requested = cpu.model || CPU_MODE_HOST_MODEL;
  const hostMode = requested === CPU_MODE_HOST_MODEL || requested === CPU_MODE_HOST_PASSTHROUGH ? requested : undefined;
  const feature = (cpu.features ?? []).map((f) => ({ $: { name: f.name, policy: f.policy ?? 'require' } }));
  const features = feature.length > 0 ? { feature } : {};
  if (hostMode && !emulation) return { $: { mode: hostMode }, topology, ...features };
  const model = hostMode ? tcgModel : requested;
  return { $: { mode: 'custom', match: 'exact' }, model: { $: { fallback: 'allow' }, _: model }, topology, ...features };
}

/** `<cputune>` pinning vCPU i to dedicatedCPUs[i] when the VMI asks for dedicated CPU placement. */
export function convertCPUTune(spec: VirtualMachineInstanceSpec, dedicatedCPUs: readonly number[] | undefined): CPUTuneSpec | undefined {
  if (!spec.domain.cpu?.dedicatedCpuPlacement) return undefined;
  const n = vcpuCount(topologyOf(spec));
  const extra = spec.domain.cpu.isolateEmulatorThread ? 1 : 0;
  if (!dedicatedCPUs || dedicatedCPUs.length < n + extra) {
    throw new StatusError(422, 'Invalid', `spec.domain.cpu.dedicatedCpuPlacement: ${n + extra} dedicated host CPUs needed, ${dedicatedCPUs?.length ?? 0} available`);
  }
  const vcpupin = dedicatedCPUs.slice(0, n).map((cpuset, vcpu) => ({ $: { vcpu, cpuset: String(cpuset) } }));
  return { vcpupin, ...(extra ? { emulatorpin: { $: { cpuset: String(dedicatedCPUs[n]) } } } : {}) };
}
