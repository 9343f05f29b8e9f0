/** `<os>`: guest arch and machine type, SMBIOS from sysinfo, firmware (SeaBIOS or OVMF with NVRAM) and direct kernel boot. */
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { StatusError } from '../../api/meta/index.js';
import type { OVMFPaths } from './context.js';
import type { OSSpec } from './types.js';

/** libvirt's arch names for the VMI architectures. */
const LIBVIRT_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', s390x: 's390x', ppc64le: 'ppc64le' };

/** The libvirt arch of a VMI architecture. */
export function libvirtArch(architecture: string): string {
  const arch = LIBVIRT_ARCH[architecture];
  if (!arch) throw new StatusError(422, 'Invalid', `spec.architecture: Unsupported value: "${architecture}": supported values: "amd64", "arm64", "s390x"`);
  return arch;
}

/** EFI with secure boot (upstream: secureBoot defaults to true once efi is chosen). */
export const usesSecureBoot = (spec: VirtualMachineInstanceSpec): boolean => {
  const efi = spec.domain.firmware?.bootloader?.efi;
  return efi !== undefined && efi.secureBoot !== false;
};

export interface OSInputs {
  readonly architecture: string;
  readonly ovmf: OVMFPaths;
  readonly nvramPath: string;
  readonly kernelBoot?: { readonly kernel?: string; readonly initrd?: string };
}

function firmware(spec: VirtualMachineInstanceSpec, inputs: OSInputs): Pick<OSSpec, 'loader' | 'nvram' | 'bios'> {
  const bootloader = spec.domain.firmware?.bootloader;
  if (bootloader?.efi) {
    const secure = usesSecureBoot(spec);
    const code = secure ? inputs.ovmf.secureBootCode : inputs.ovmf.code;
    const vars = secure ? inputs.ovmf.secureBootVars : inputs.ovmf.vars;
    return {
      loader: { $: { readonly: 'yes', secure: secure ? 'yes' : 'no', type: 'pflash' }, _: code },
      nvram: { $: { template: vars }, _: inputs.nvramPath },
    };
  }
  if (bootloader?.bios?.useSerial) return { bios: { $: { useserial: 'yes' } } };
  return {};
}

function kernelBoot(spec: VirtualMachineInstanceSpec, inputs: OSInputs): Pick<OSSpec, 'kernel' | 'initrd' | 'cmdline'> {
  const kb = spec.domain.firmware?.kernelBoot;
  if (!kb) return {};
  const out: Pick<OSSpec, 'kernel' | 'initrd' | 'cmdline'> = {};
  if (kb.container) {
    const kernel = inputs.kernelBoot?.kernel;
    const initrd = inputs.kernelBoot?.initrd;
    if (kb.container.kernelPath && !kernel) throw new StatusError(422, 'Invalid', `spec.domain.firmware.kernelBoot.container.kernelPath: the kernel "${kb.container.kernelPath}" was not extracted from the container`);
    if (kb.container.initrdPath && !initrd) throw new StatusError(422, 'Invalid', `spec.domain.firmware.kernelBoot.container.initrdPath: the initrd "${kb.container.initrdPath}" was not extracted from the container`);
    if (kernel) out.kernel = kernel;
    if (initrd) out.initrd = initrd;
  }
  if (kb.kernelArgs) out.cmdline = kb.kernelArgs;
  return out;
}

/** `<os>` of the VMI. */
export function convertOS(spec: VirtualMachineInstanceSpec, inputs: OSInputs): OSSpec {
  return {
    type: { $: { arch: libvirtArch(inputs.architecture), machine: spec.domain.machine?.type || 'q35' }, _: 'hvm' },
    ...firmware(spec, inputs),
    ...kernelBoot(spec, inputs),
    smbios: { $: { mode: 'sysinfo' } },
  };
}
