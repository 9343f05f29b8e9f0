/**
 * The compute part of a VMI's `spec.domain`: resources, CPU, memory, machine, firmware (BIOS, EFI,
 * kernel boot), clock and timers, hypervisor features, chassis and launch security.
 */
import type { Static } from '@sinclair/typebox';
import { PULL_POLICIES } from './core.js';
import { bool, empty, int32, int64, obj, opt, quantity, resourceList, str, strEnum, arr } from './schema.js';

export const ResourceRequirementsSchema = obj('Compute resources of the VMI.', {
  requests: opt(resourceList('Initial resources of the VMI; valid keys are "memory" and "cpu".')),
  limits: opt(resourceList('Maximum resources of the VMI; valid keys are "memory" and "cpu".')),
  overcommitGuestOverhead: opt(
    bool("Put the guest-management overhead only into the container's memory limit, not the request. Defaults to false."),
  ),
});
export type ResourceRequirements = Static<typeof ResourceRequirementsSchema>;

export const CPU_FEATURE_POLICIES = ['force', 'require', 'optional', 'disable', 'forbid'] as const;
export const CPUFeatureSchema = obj('A CPU feature with its policy.', {
  name: str('Name of the CPU feature.'),
  policy: opt(strEnum(CPU_FEATURE_POLICIES, 'force, require, optional, disable or forbid. Defaults to require.')),
});

export const CPUSchema = obj('CPU topology and model of the VMI.', {
  cores: opt(int64('Number of cores; at least 1.', { minimum: 0, maximum: 4294967295 })),
  sockets: opt(int64('Number of sockets; at least 1.', { minimum: 0, maximum: 4294967295 })),
  maxSockets: opt(int64('Maximum number of sockets that can be hotplugged.', { minimum: 0, maximum: 4294967295 })),
  threads: opt(int64('Number of threads; at least 1.', { minimum: 0, maximum: 4294967295 })),
  model: opt(str('CPU model: a libvirt model name, "host-passthrough" or "host-model". Defaults to host-model.')),
  features: opt(arr('CPU features of the guest.', CPUFeatureSchema)),
  dedicatedCpuPlacement: opt(bool('Place the VMI on a node with enough dedicated pCPUs and pin its vCPUs.')),
  numa: opt(
    obj('Guest NUMA topology settings.', {
      guestMappingPassthrough: opt(empty('Mirror the host NUMA cells of the pinned CPUs into the guest.')),
    }),
  ),
  isolateEmulatorThread: opt(bool('Allocate one more dedicated pCPU for the emulator thread.')),
  realtime: opt(
    obj('Tuning for realtime workloads.', {
      mask: opt(str('vCPUs used for realtime, in libvirt syntax, e.g. "0-3,^1".')),
    }),
  ),
});
export type CPU = Static<typeof CPUSchema>;

export const MemorySchema = obj('Memory of the VMI.', {
  hugepages: opt(obj('Back guest memory with hugepages.', { pageSize: opt(str('Hugepage size: 2Mi or 1Gi on x86_64.')) })),
  guest: opt(quantity('Memory visible inside the guest; defaults to the memory request.')),
  maxGuest: opt(quantity('Maximum guest memory; the delta above guest can be hot(un)plugged.')),
});
export type Memory = Static<typeof MemorySchema>;

export const MachineSchema = obj('QEMU machine type.', {
  type: opt(str('QEMU machine type, the chipset of the VMI (q35 on amd64).')),
});

export const FeatureStateSchema = obj('Whether a feature is enabled.', {
  enabled: opt(bool('Enables or disables the feature. Defaults to true.')),
});
export type FeatureState = Static<typeof FeatureStateSchema>;

export const BootloaderSchema = obj('Bootloader: BIOS (default) or EFI.', {
  bios: opt(obj('Use BIOS (the default).', { useSerial: opt(bool('Send BIOS output over the serial console.')) })),
  efi: opt(
    obj('Use EFI instead of BIOS.', {
      secureBoot: opt(bool('Enable SecureBoot (requires SMM). Defaults to true.')),
      persistent: opt(bool('Keep the EFI NVRAM across reboots. Defaults to false.')),
    }),
  ),
});

export const KernelBootSchema = obj('Boot the guest directly from a kernel and initrd.', {
  kernelArgs: opt(str('Arguments passed to the kernel at boot.')),
  container: opt(
    obj('The container image holding the kernel and initrd.', {
      image: str('Image holding the initrd and kernel files.'),
      imagePullSecret: opt(str('Name of the registry secret used to pull the image.')),
      imagePullPolicy: opt(strEnum(PULL_POLICIES, 'Always, Never or IfNotPresent; Always for :latest, else IfNotPresent.')),
      kernelPath: opt(str('Absolute path of the kernel inside the image.')),
      initrdPath: opt(str('Absolute path of the initrd inside the image.')),
    }),
  ),
});
export type KernelBoot = Static<typeof KernelBootSchema>;

export const FirmwareSchema = obj('Firmware of the VMI.', {
  uuid: opt(str('UUID reported by the SMBIOS; derived from the VMI name when not set.')),
  bootloader: opt(BootloaderSchema),
  serial: opt(str('System serial number in SMBIOS.')),
  kernelBoot: opt(KernelBootSchema),
  acpi: opt(
    obj('Tables set in ACPI.', {
      slicNameRef: opt(str('Volume name of a secret holding an ACPI SLIC table.')),
      msdmNameRef: opt(str('Volume name of a secret holding an ACPI MSDM table.')),
    }),
  ),
});
export type Firmware = Static<typeof FirmwareSchema>;

const presentFlag = { present: opt(bool('False keeps the machine type or a preset from adding the timer. Defaults to true.')) };
export const ClockSchema = obj('Clock offset and timers of the VMI.', {
  utc: opt(obj('Guest clock in UTC on each boot.', { offsetSeconds: opt(int32('Offset in seconds relative to UTC.')) })),
  timezone: opt(str("Guest clock in this time zone (TZ format, e.g. 'America/New_York').")),
  timer: opt(
    obj('Timers attached to the VMI.', {
      hpet: opt(obj('High Precision Event Timer.', { tickPolicy: opt(strEnum(['delay', 'catchup', 'merge', 'discard'] as const, 'delay, catchup, merge or discard.')), ...presentFlag })),
      kvm: opt(obj('KVM paravirtual clock (Linux guests).', { ...presentFlag })),
      pit: opt(obj('Programmable Interval Timer.', { tickPolicy: opt(strEnum(['delay', 'catchup', 'discard'] as const, 'delay, catchup or discard.')), ...presentFlag })),
      rtc: opt(
        obj('Real Time Clock.', {
          tickPolicy: opt(strEnum(['delay', 'catchup'] as const, 'delay or catchup.')),
          track: opt(strEnum(['guest', 'wall'] as const, 'Track the guest or the wall clock.')),
          ...presentFlag,
        }),
      ),
      hyperv: opt(obj('Hyper-V paravirtual clock (Windows guests).', { ...presentFlag })),
    }),
  ),
}, { 'x-kubernetes-preserve-unknown-fields': true });
export type Clock = Static<typeof ClockSchema>;

const withDirect = (d: string) => obj(d, { enabled: opt(bool('Enables or disables the feature. Defaults to true.')), direct: opt(FeatureStateSchema) });
export const FeatureHypervSchema = obj('Hyper-V enlightenments; each defaults to the machine type setting.', {
  relaxed: opt(FeatureStateSchema),
  vapic: opt(FeatureStateSchema),
  spinlocks: opt(
    obj('Spinlock retry attempts.', {
      enabled: opt(bool('Enables or disables the feature. Defaults to true.')),
      spinlocks: opt(int64('Number of retries, at least 4096. Defaults to 4096.', { minimum: 0, maximum: 4294967295 })),
    }),
  ),
  vpindex: opt(FeatureStateSchema),
  runtime: opt(FeatureStateSchema),
  synic: opt(FeatureStateSchema),
  synictimer: opt(withDirect('Synthetic interrupt controller timers.')),
  reset: opt(FeatureStateSchema),
  vendorid: opt(
    obj('Hypervisor vendor id.', {
      enabled: opt(bool('Enables or disables the feature. Defaults to true.')),
      vendorid: opt(str('Vendor id, up to twelve characters.')),
    }),
  ),
  frequencies: opt(FeatureStateSchema),
  reenlightenment: opt(FeatureStateSchema),
  tlbflush: opt(
    obj('TLB flush enlightenment (requires vpindex).', {
      enabled: opt(bool('Enables or disables the feature. Defaults to true.')),
      direct: opt(FeatureStateSchema),
      extended: opt(FeatureStateSchema),
    }),
  ),
  ipi: opt(FeatureStateSchema),
  evmcs: opt(FeatureStateSchema),
});

export const FeaturesSchema = obj('Hypervisor features such as acpi, apic, hyperv and smm.', {
  acpi: opt(FeatureStateSchema),
  apic: opt(
    obj('APIC; defaults to the machine type setting.', {
      enabled: opt(bool('Enables or disables the feature. Defaults to true.')),
      endOfInterrupt: opt(bool('Enable end-of-interrupt notification in the guest. Defaults to false.')),
    }),
  ),
  hypervPassthrough: opt(obj('Enable all supported Hyper-V flags (makes the VM non-migratable).', { enabled: opt(bool('Enabled.')) })),
  hyperv: opt(FeatureHypervSchema),
  smm: opt(FeatureStateSchema),
  kvm: opt(obj('How KVM is exposed to the guest.', { hidden: opt(bool('Hide KVM from MSR-based discovery. Defaults to false.')) })),
  pvspinlock: opt(FeatureStateSchema),
});
export type Features = Static<typeof FeaturesSchema>;

export const ChassisSchema = obj('SMBIOS chassis information.', {
  manufacturer: opt(str('Manufacturer.')),
  version: opt(str('Version.')),
  serial: opt(str('Serial number.')),
  asset: opt(str('Asset tag.')),
  sku: opt(str('SKU.')),
});

export const LaunchSecuritySchema = obj('Confidential computing settings.', {
  sev: opt(
    obj('AMD Secure Encrypted Virtualization.', {
      policy: opt(obj('SEV guest policy.', { encryptedState: opt(bool('Require SEV-ES. Defaults to false.')) })),
      attestation: opt(empty('Run the attestation process.')),
      session: opt(str('Base64 session blob.')),
      dhCert: opt(str("Base64 guest owner's Diffie-Hellman key.")),
    }),
  ),
  snp: opt(
    obj('AMD SEV-SNP settings.', {
      policy: opt(str('Policy.')),
      vcek: opt(str('VCEK.')),
      authorKey: opt(str('Author key.')),
      kernelHashes: opt(str('Kernel hashes.')),
      cbitpos: opt(str('C-bit position.')),
      idBlock: opt(str('ID block.')),
      idAuth: opt(str('ID auth.')),
      reducedPhysBits: opt(str('Reduced physical bits.')),
    }),
  ),
  tdx: opt(empty('Intel Trust Domain Extensions.')),
});

export const IO_THREADS_POLICIES = ['shared', 'auto', 'supplementalPool'] as const;
export type IOThreadsPolicy = (typeof IO_THREADS_POLICIES)[number];
export const REBOOT_POLICIES = ['Reboot', 'Terminate'] as const;
