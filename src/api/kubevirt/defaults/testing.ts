/** Fixture builders for tests of kubevirt.io objects (in the style of upstream's libvmi). */
import type { VirtualMachineInstance } from '../vmi.js';
import type { Disk } from '../disks.js';
import type { Volume } from '../volumes.js';
import type { Interface, Network } from '../interfaces.js';

export type VMIMod = (vmi: VirtualMachineInstance) => void;

/** A minimal VMI named `name` in namespace `default`, changed by `mods`. */
export function newVMI(name: string, ...mods: VMIMod[]): VirtualMachineInstance {
  const vmi: VirtualMachineInstance = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace: 'default' },
    spec: { domain: { devices: {} } },
  };
  for (const m of mods) m(vmi);
  return vmi;
}

export const withMemory = (guest: string): VMIMod => (v) => {
  v.spec.domain.memory = { ...(v.spec.domain.memory ?? {}), guest };
};
export const withResources = (r: { requests?: Record<string, string>; limits?: Record<string, string> }): VMIMod => (v) => {
  v.spec.domain.resources = structuredClone(r);
};
export const withDisk = (disk: Disk): VMIMod => (v) => {
  (v.spec.domain.devices.disks ??= []).push(disk);
};
export const withVolume = (volume: Volume): VMIMod => (v) => {
  (v.spec.volumes ??= []).push(volume);
};
export const withContainerDisk = (name: string, image: string): VMIMod => withVolume({ name, containerDisk: { image } });
export const withInterface = (iface: Interface, network: Network): VMIMod => (v) => {
  (v.spec.domain.devices.interfaces ??= []).push(iface);
  (v.spec.networks ??= []).push(network);
};
export const withLabels = (labels: Record<string, string>): VMIMod => (v) => {
  v.metadata = { ...(v.metadata ?? {}), labels };
};
export const withArch = (architecture: string): VMIMod => (v) => {
  v.spec.architecture = architecture;
};
