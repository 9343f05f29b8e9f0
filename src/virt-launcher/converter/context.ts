/**
 * What the launcher knows and the VMI does not: where each volume's bytes are on this host, the
 * tap devices of tap-based NICs, the private directory holding the console and VNC sockets,
 * whether QEMU must emulate (TCG), firmware files and SMBIOS values. See convert.ts for the contract.
 */

/** Image formats the caller detects from the file's magic bytes (qcow2 "QFI\xfb", otherwise raw). */
export type ImageFormat = 'raw' | 'qcow2';

/** Where one volume's disk lives on the host. */
export interface DiskSource {
  /** A regular file (disk image or ISO) or a block device node. */
  readonly type: 'file' | 'block';
  readonly path: string;
  readonly format: ImageFormat;
  /** The read-only image under a copy-on-write overlay (containerDisk, ephemeral); `path` is then the qcow2 overlay. */
  readonly backing?: { readonly type?: 'file' | 'block'; readonly path: string; readonly format: ImageFormat };
  /** Cache mode when the disk sets none: 'none' where O_DIRECT works on the path, else 'writethrough'. Omitted leaves libvirt's default. */
  readonly defaultCache?: 'none' | 'writethrough';
}

/** How a tap-based interface (masquerade or bridge on the pod network) reaches QEMU. */
export interface TapInterface {
  readonly type: 'tap';
  /** The tap device the launcher created (libvirt opens it unmanaged). */
  readonly tapDevice: string;
  /** The MAC the guest gets when the VMI does not set one (bridge binding: the pod's MAC). */
  readonly mac?: string;
  readonly mtu?: number;
}
/** QEMU user-mode networking, when the launcher has no network privileges and the user asked for it. */
export interface UserInterface {
  readonly type: 'user';
  readonly mac?: string;
}
export type InterfaceBackend = TapInterface | UserInterface;

/** OVMF firmware files (Debian's ovmf package by default). */
export interface OVMFPaths {
  readonly code: string;
  readonly vars: string;
  readonly secureBootCode: string;
  readonly secureBootVars: string;
}

/** Debian's `ovmf` package: 4M builds; the secure-boot code needs SMM, its vars have Microsoft's keys enrolled. */
export const DEBIAN_OVMF: OVMFPaths = {
  code: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  vars: '/usr/share/OVMF/OVMF_VARS_4M.fd',
  secureBootCode: '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd',
  secureBootVars: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd',
};

/** SMBIOS system values (the cluster's `smbios` configuration). */
export interface SMBIOSValues {
  readonly manufacturer?: string;
  readonly product?: string;
  readonly family?: string;
  readonly version?: string;
  readonly sku?: string;
}

/** Upstream's defaults (KubeVirt CR `spec.configuration.smbios`). */
export const DEFAULT_SMBIOS: SMBIOSValues = { manufacturer: 'KubeVirt', product: 'None', family: 'KubeVirt' };

/**
 * Default TCG translation cache (MiB): QEMU's default lets it grow towards 1 GiB, most of a small
 * guest's fixed memory under emulation; this many MiB hold the test guest's boot without flushing
 * measurably more (docs/benchmarks.md, launcher section).
 */
export const TCG_TB_CACHE_MIB = 32;

/** Everything convertVMI needs beyond the VMI. Only `privateDir` is required. */
export interface ConverterContext {
  /** The launcher's private directory: `virt-serial0`, `virt-serial0-log` and `virt-vnc` live here. */
  readonly privateDir: string;
  /** Software emulation (TCG): `<domain type="qemu">` and a CPU model TCG implements. Default false (KVM). */
  readonly emulation?: boolean;
  /** Under emulation, QEMU's TCG translation-block cache in MiB (libvirt `<tcg><tb-cache>`). Default TCG_TB_CACHE_MIB; 0 leaves QEMU's default. */
  readonly tcgTBCacheMiB?: number;
  /** CPU model used under emulation when the VMI asks for host-model or host-passthrough. Default qemu64. */
  readonly tcgCPUModel?: string;
  /** Guest architecture when the VMI has none (amd64, arm64, s390x). Default amd64. */
  readonly architecture?: string;
  /** Resolved disk sources by volume name; volumes left out get upstream's paths for their kind. */
  readonly disks?: Readonly<Record<string, DiskSource>>;
  /** Backends of interfaces by interface name; tap-based ones default to `tap<index>`. */
  readonly interfaces?: Readonly<Record<string, InterfaceBackend>>;
  /** OVMF files. Default DEBIAN_OVMF. */
  readonly ovmf?: OVMFPaths;
  /** The EFI variable store of this VMI. Default `<privateDir>/<domain>_VARS.fd` (libvirt copies the vars template there on first start). */
  readonly nvramPath?: string;
  /** kernelBoot: the kernel and initrd extracted from the kernelBoot container. */
  readonly kernelBoot?: { readonly kernel?: string; readonly initrd?: string };
  /** SMBIOS system entries. Default DEFAULT_SMBIOS. */
  readonly smbios?: SMBIOSValues;
  /** Write the serial console to `<privateDir>/virt-serial0-log` (the cluster's serial console log setting). Default true. */
  readonly logSerialConsole?: boolean;
  /** Memballoon statistics period in seconds (cluster `memBalloonStatsPeriod`). Default 10. */
  readonly memBalloonStatsPeriod?: number;
  /** Host CPUs the pod owns, for dedicatedCpuPlacement: vCPU i is pinned to dedicatedCPUs[i]. */
  readonly dedicatedCPUs?: readonly number[];
  /** Free PCIe root ports to leave for hotplug on q35. Default 0 (libvirt adds the ports present devices need). */
  readonly hotplugPorts?: number;
  /** The VMI's uid, recorded in the domain metadata. */
  readonly uid?: string;
}
