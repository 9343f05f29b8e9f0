/**
 * What virt-handler labels its Node with, as upstream's node labeller: the CPU models and machine
 * types a guest may ask for here (`cpu-model.node.kubevirt.io/<model>`,
 * `machine-type.node.kubevirt.io/<type>`), read from this host's QEMU. Under software emulation
 * only models TCG runs without host features are offered. Labels it no longer offers are removed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CPU_MODEL_LABEL_PREFIX, SUPPORTED_MACHINE_TYPE_LABEL_PREFIX } from '../api/kubevirt/constants.js';

const run = promisify(execFile);

/** Models QEMU's TCG emulates fully (no AVX/TSX-class host features needed). */
export const TCG_CPU_MODELS = new Set(['qemu64', 'qemu32', 'kvm64', 'kvm32', 'core2duo', 'coreduo', 'Conroe', 'Penryn', 'Nehalem', 'Westmere', 'Opteron_G1', 'Opteron_G2', 'athlon', 'phenom', 'pentium', 'pentium2', 'pentium3', 'n270', '486']);

/** Model names from `qemu-system-x86_64 -cpu help` (lines `x86 <model> ...`). */
export function parseCpuModels(help: string): string[] {
  return help.split('\n').flatMap((l) => {
    const m = /^x86\s+(\S+)/.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
}

/** q35 machine types from `qemu-system-x86_64 -machine help` (`q35` and `pc-q35-<version>`). */
export function parseMachineTypes(help: string): string[] {
  return help.split('\n').flatMap((l) => {
    const m = /^(q35|pc-q35-[\d.]+)\s/.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
}

/** The labels to set: usable CPU models (TCG-safe ones under emulation) and q35 machine types. */
export function capabilityLabels(kvm: boolean, cpuModels: readonly string[], machineTypes: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of cpuModels) if (kvm || TCG_CPU_MODELS.has(m)) labels[`${CPU_MODEL_LABEL_PREFIX}${m}`] = 'true';
  for (const t of machineTypes) labels[`${SUPPORTED_MACHINE_TYPE_LABEL_PREFIX}${t}`] = 'true';
  return labels;
}

/** A merge patch's labels: `wanted`, plus null for labels under our prefixes that are no longer wanted. */
export function labelPatch(current: Readonly<Record<string, string>> | undefined, wanted: Readonly<Record<string, string>>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of Object.keys(current ?? {})) {
    if ((k.startsWith(CPU_MODEL_LABEL_PREFIX) || k.startsWith(SUPPORTED_MACHINE_TYPE_LABEL_PREFIX)) && !(k in wanted)) out[k] = null;
  }
  for (const [k, v] of Object.entries(wanted)) if (current?.[k] !== v) out[k] = v;
  return out;
}

/** Asks this host's QEMU what it offers (empty lists when QEMU is not installed). */
export async function probeQemu(binary = 'qemu-system-x86_64'): Promise<{ cpuModels: string[]; machineTypes: string[] }> {
  try {
    const [cpu, machine] = await Promise.all([run(binary, ['-cpu', 'help'], { timeout: 10_000 }), run(binary, ['-machine', 'help'], { timeout: 10_000 })]);
    return { cpuModels: parseCpuModels(cpu.stdout), machineTypes: parseMachineTypes(machine.stdout) };
  } catch {
    return { cpuModels: [], machineTypes: [] };
  }
}
