/**
 * convertVMI: a (defaulted) VirtualMachineInstance plus what the launcher knows -> libvirt domain
 * XML and its typed DomainSpec. Pure: no I/O; the same inputs give the same bytes.
 *
 * The ctx contract (ConverterContext in context.ts), filled by the launcher:
 * - privateDir (required): the launcher's private directory. The serial console socket is
 *   `<privateDir>/virt-serial0`, its log `<privateDir>/virt-serial0-log`, VNC `<privateDir>/virt-vnc`.
 * - emulation: true when /dev/kvm is unusable: `<domain type="qemu">` and, for host-model or
 *   host-passthrough, the TCG model `tcgCPUModel` (default qemu64). Otherwise `type="kvm"`.
 * - disks[volumeName]: the resolved source of each volume: `type` file|block, `path`, `format`
 *   raw|qcow2 as detected by the caller, `backing` {path, format} for copy-on-write overlays
 *   (containerDisk, ephemeral: `path` is the qcow2 overlay the caller created), and `defaultCache`
 *   ('none' where O_DIRECT works). Volumes left out get upstream's fixed paths for their kind
 *   (see volumes.ts): PVC/DataVolume `/var/run/kubevirt-private/vmi-disks/<vol>/disk.img`, cloud-init
 *   ISOs under `/var/run/libvirt/cloud-init-dir/<ns>/<vmi>/`, configMap/secret/serviceAccount/
 *   downwardAPI/sysprep ISOs under `/var/run/kubevirt-private/...`, hostDisk its own path.
 * - interfaces[interfaceName]: `{type: 'tap', tapDevice, mac?, mtu?}` for masquerade and bridge
 *   (default `tap<index>`), or `{type: 'user'}` for QEMU user networking. The VMI's macAddress wins.
 * - ovmf (default Debian's /usr/share/OVMF/*_4M files) and nvramPath (default
 *   `<privateDir>/<domain>_VARS.fd`) for EFI; kernelBoot {kernel, initrd} extracted paths.
 * - smbios (cluster SMBIOS values), logSerialConsole (default true), memBalloonStatsPeriod
 *   (default 10), dedicatedCPUs (host CPUs for dedicatedCpuPlacement), hotplugPorts, uid, architecture.
 * Errors are StatusErrors naming the field (a disk without a volume, an unsupported binding...).
 */
import type { VirtualMachineInstance, DiskBus, Disk } from '../../api/kubevirt/index.js';
import { firmwareUUID } from '../../api/kubevirt/firmware-uuid.js';
import { defaultDiskBusFor } from '../../api/kubevirt/defaults/devices.js';
import { StatusError } from '../../api/meta/index.js';
import { DEBIAN_OVMF, DEFAULT_SMBIOS, TCG_TB_CACHE_MIB, type ConverterContext } from './context.js';
import { convertClock } from './clock.js';
import { convertControllers } from './controllers.js';
import { convertCPU, convertCPUTune, convertVCPU, topologyOf, vcpuCount } from './cpu.js';
import {
  convertGraphics,
  convertGuestAgentChannel,
  convertInputs,
  convertRng,
  convertSerialConsole,
  convertWatchdog,
  needsUSB,
} from './devices.js';
import { convertDisk, diskBus } from './disks.js';
import { convertFeatures } from './features.js';
import { backendFor, convertInterface } from './interfaces.js';
import { planIOThreads } from './iothreads.js';
import { convertMemBalloon, convertMemory } from './memory.js';
import { DevNameAllocator, domainNameFor } from './names.js';
import { convertOS, usesSecureBoot } from './os.js';
import { renderDomainXML } from './render.js';
import { convertSysinfo } from './sysinfo.js';
import type { DiskSpec, DomainSpec, InterfaceSpec } from './types.js';
import { diskSourceFor, isReadOnlyVolume } from './volumes.js';

export type { ConverterContext } from './context.js';

/** The TCG translation cache to ask for: only under emulation; 0 leaves QEMU's default. */
const tbCache = (emulation: boolean, mib: number | undefined): number | undefined => {
  const v = mib ?? TCG_TB_CACHE_MIB;
  return emulation && v > 0 ? v : undefined;
};

/** The namespace kubevirt's domain metadata lives in. */
export const KUBEVIRT_METADATA_NS = 'http://kubevirt.io';

function convertDisks(vmi: VirtualMachineInstance, ctx: ConverterContext, arch: string, virtioModel: string, vcpus: number) {
  const spec = vmi.spec;
  const volumes = spec.volumes ?? [];
  const fallback = defaultDiskBusFor(arch);
  const withBus: { disk: Disk; bus: DiskBus }[] = (spec.domain.devices.disks ?? []).map((disk) => ({ disk, bus: diskBus(disk, fallback) }));
  const plan = planIOThreads(spec, withBus, vcpus);
  const devs = new DevNameAllocator();
  const queues = spec.domain.devices.blockMultiQueue ? vcpus : undefined;
  const disks: DiskSpec[] = withBus.map(({ disk, bus }, i) => {
    const vi = volumes.findIndex((v) => v.name === disk.name);
    const volume = volumes[vi];
    if (!volume) throw new StatusError(422, 'Invalid', `spec.domain.devices.disks[${i}].name: volume "${disk.name}" not found`);
    return convertDisk(disk, diskSourceFor(vmi, volume, vi, ctx.disks), {
      dev: devs.allocate(bus),
      bus,
      virtioModel,
      iothread: plan.byDisk.get(disk.name),
      queues,
      readOnlyVolume: isReadOnlyVolume(volume),
    });
  });
  return { disks, iothreads: plan.count, buses: withBus.map((d) => d.bus) };
}

function convertInterfaces(vmi: VirtualMachineInstance, ctx: ConverterContext, virtioModel: string): InterfaceSpec[] {
  const ifaces = vmi.spec.domain.devices.interfaces ?? [];
  return ifaces.flatMap((iface, i) =>
    iface.state === 'absent' ? [] : [convertInterface(iface, backendFor(iface, i, `spec.domain.devices.interfaces[${i}]`, ctx.interfaces), virtioModel)],
  );
}

/** The DomainSpec of `vmi` (already defaulted by defaultVMI) on the launcher described by `ctx`. */
export function buildDomainSpec(vmi: VirtualMachineInstance, ctx: ConverterContext): DomainSpec {
  const spec = vmi.spec;
  const arch = spec.architecture || ctx.architecture || 'amd64';
  const name = domainNameFor(vmi.metadata?.namespace ?? 'default', vmi.metadata?.name ?? '');
  const uuid = spec.domain.firmware?.uuid || firmwareUUID(vmi.metadata?.name ?? '');
  const virtioModel = spec.domain.devices.useVirtioTransitional ? 'virtio-transitional' : 'virtio-non-transitional';
  const emulation = ctx.emulation ?? false;
  const topology = topologyOf(spec);
  const vcpus = vcpuCount(topology);
  const { disks, iothreads, buses } = convertDisks(vmi, ctx, arch, virtioModel, vcpus);
  const inputs = convertInputs(spec);
  const cputune = convertCPUTune(spec, ctx.dedicatedCPUs);
  const uid = ctx.uid ?? vmi.metadata?.uid;
  return {
    $: { type: emulation ? 'qemu' : 'kvm' },
    name,
    uuid,
    ...(uid ? { metadata: { kubevirt: { $: { xmlns: KUBEVIRT_METADATA_NS }, uid } } } : {}),
    ...convertMemory(spec),
    vcpu: convertVCPU(topology),
    ...(iothreads > 0 ? { iothreads } : {}),
    ...(cputune ? { cputune } : {}),
    sysinfo: convertSysinfo(spec, uuid, ctx.smbios ?? DEFAULT_SMBIOS),
    os: convertOS(spec, {
      architecture: arch,
      ovmf: ctx.ovmf ?? DEBIAN_OVMF,
      nvramPath: ctx.nvramPath ?? `${ctx.privateDir}/${name}_VARS.fd`,
      ...(ctx.kernelBoot ? { kernelBoot: ctx.kernelBoot } : {}),
    }),
    features: convertFeatures(spec, arch, usesSecureBoot(spec), tbCache(emulation, ctx.tcgTBCacheMiB)),
    cpu: convertCPU(spec, emulation, ctx.tcgCPUModel),
    clock: convertClock(spec),
    ...(spec.domain.rebootPolicy === 'Terminate' ? { on_reboot: 'destroy' as const } : {}),
    devices: {
      disk: disks,
      controller: convertControllers({
        usb: needsUSB(inputs) || buses.includes('usb'),
        scsi: buses.includes('scsi'),
        virtioModel,
        hotplugPorts: ctx.hotplugPorts ?? 0,
      }),
      interface: convertInterfaces(vmi, ctx, virtioModel),
      ...convertSerialConsole(spec, ctx.privateDir, ctx.logSerialConsole ?? true),
      channel: [convertGuestAgentChannel()],
      input: inputs,
      ...convertGraphics(spec, ctx.privateDir),
      watchdog: convertWatchdog(spec),
      memballoon: convertMemBalloon(spec, virtioModel, ctx.memBalloonStatsPeriod ?? 10),
      rng: convertRng(spec, virtioModel),
    },
  };
}

/** The libvirt domain XML of `vmi` and the DomainSpec it was rendered from. */
export function convertVMI(vmi: VirtualMachineInstance, ctx: ConverterContext): { xml: string; domain: DomainSpec } {
  const domain = buildDomainSpec(vmi, ctx);
  return { xml: renderDomainXML(domain), domain };
}
