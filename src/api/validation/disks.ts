/**
 * Disk rules of a VMI spec (upstream validateDisks and validateBootOrder): unique names that are
 * valid container names, one target type, supported buses, boot order, serial, cache, IO mode,
 * error policy, block sizes, PCI address, dedicated IO threads, and each disk backed by a volume.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { Disk } from '../kubevirt/disks.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import { dns1123LabelErrors, gateOn, invalidCause, isValidPciAddress, notSupportedCause, requiredCause, type ValidationConfig } from './cause.js';

const MAX_STR_LEN = 256;
const MIN_BLOCK_SIZE = 512;
const MAX_BLOCK_SIZE = 2097152;
const SUPPORTED_BUSES = ['virtio', 'scsi', 'sata', 'usb'];
/** Characters libvirt accepts in serial numbers. */
export const isValidSerial = (s: string): boolean => /^[A-Za-z0-9_.+-]+$/.test(s);

type Target = 'disk' | 'lun' | 'cdrom';
function targetOf(disk: Disk): Target | '' {
  if (disk.disk) return 'disk';
  if (disk.lun) return 'lun';
  if (disk.cdrom) return 'cdrom';
  return '';
}
const busOf = (disk: Disk): string => {
  const t = targetOf(disk);
  return t === '' ? '' : ((disk[t]?.bus as string | undefined) ?? '');
};

function validateBus(field: FieldPath, disk: Disk): FieldError[] {
  const errs: FieldError[] = [];
  const bus = busOf(disk);
  const target = targetOf(disk);
  if (bus === '') return errs;
  switch (bus) {
    case 'ide':
      errs.push(invalidCause(field.child(target, 'bus'), 'IDE bus is not supported'));
      break;
    case 'virtio':
      if (target === 'cdrom') errs.push(invalidCause(field.child('cdrom', 'bus'), `Bus type ${bus} is invalid for CD-ROM device`));
      break;
    case 'sata':
      if (disk.disk?.readonly) errs.push(invalidCause(field.child('disk', 'bus'), `${bus} hard-disks do not support read-only.`));
      break;
    case 'scsi':
    case 'usb':
      break;
    default:
      errs.push(invalidCause(field.child(target, 'bus'), `${String(field)} is set with an unrecognized bus ${bus}, must be one of: [${SUPPORTED_BUSES.join(' ')}]`));
  }
  if (disk.dedicatedIOThread && bus !== 'virtio') {
    errs.push(notSupportedCause(field, `IOThreads are not supported for disks on a ${bus} bus`));
  }
  return errs;
}

function validateCustomBlockSize(field: FieldPath, size: number): FieldError[] {
  if (size < MIN_BLOCK_SIZE) return [invalidCause(field, `Provided size of ${size} is less than the supported minimum size of ${MIN_BLOCK_SIZE}`)];
  if (size > MAX_BLOCK_SIZE) return [invalidCause(field, `Provided size of ${size} is greater than the supported maximum size of ${MAX_BLOCK_SIZE}`)];
  if ((size & (size - 1)) !== 0) return [invalidCause(field, `Provided size of ${size} is not a power of 2`)];
  return [];
}

function validateBlockSize(field: FieldPath, disk: Disk): FieldError[] {
  const bs = disk.blockSize;
  if (!bs?.custom) return [];
  if (bs.matchVolume && bs.matchVolume.enabled !== false) {
    return [invalidCause(field.child('blockSize'), "Block size matching can't be enabled together with a custom value")];
  }
  const { logical, physical } = bs.custom;
  const custom = field.child('blockSize', 'custom');
  if (logical > physical) {
    return [invalidCause(custom.child('logical'), `Logical size ${logical} must be the same or less than the physical size of ${physical}`)];
  }
  return [...validateCustomBlockSize(custom.child('logical'), logical), ...validateCustomBlockSize(custom.child('physical'), physical)];
}

function validatePciAddress(field: FieldPath, disk: Disk): FieldError[] {
  const addr = disk.disk?.pciAddress;
  if (!addr) return [];
  const errs: FieldError[] = [];
  const name = field.child('name');
  if (disk.disk?.bus !== 'virtio') {
    errs.push(invalidCause(field.child('disk', 'pciAddress'), `disk ${String(name)} - setting a PCI address is only possible with bus type virtio.`));
  }
  if (!isValidPciAddress(addr)) errs.push(invalidCause(field.child('disk', 'pciAddress'), `disk ${String(name)} has malformed PCI address (${addr}).`));
  return errs;
}

function validateOneDisk(field: FieldPath, disk: Disk, earlierNames: ReadonlyMap<string, number>): FieldError[] {
  const errs: FieldError[] = [];
  const other = earlierNames.get(disk.name);
  if (other !== undefined) errs.push(invalidCause(field.child('name'), `${String(field)} and ${String(field).replace(/\[\d+\]$/, `[${other}]`)} must not have the same Name.`));
  if ([disk.disk, disk.lun, disk.cdrom].filter((t) => t !== undefined && t !== null).length > 1) {
    errs.push(invalidCause(field, `${String(field)} can only have a single target type defined`));
  }
  errs.push(...validatePciAddress(field, disk));
  if (disk.bootOrder !== undefined && disk.bootOrder < 1) errs.push(invalidCause(field.child('bootOrder'), `${String(field)} must have a boot order > 0, if supplied`));
  errs.push(...validateBus(field, disk));
  if (disk.serial) {
    if (!isValidSerial(disk.serial)) errs.push(invalidCause(field.child('serial'), `${String(field)} must be made up of the following characters [A-Za-z0-9_.+-], if specified`));
    if ([...disk.serial].length > MAX_STR_LEN) errs.push(invalidCause(field.child('serial'), `${String(field)} must be less than or equal to ${MAX_STR_LEN} in length, if specified`));
  }
  const cache = disk.cache as string | undefined;
  if (cache && !['none', 'writethrough', 'writeback'].includes(cache)) errs.push(invalidCause(field.child('cache'), `${String(field.child('cache'))} has invalid value ${cache}`));
  const io = disk.io as string | undefined;
  if (io && io !== 'native' && io !== 'threads') {
    errs.push(notSupportedCause(field.child('io'), `Disk IO mode for ${String(field)} is not supported. Supported modes are: native, threads.`));
  }
  const policy = disk.errorPolicy as string | undefined;
  if (policy !== undefined && !['stop', 'ignore', 'report', 'enospace'].includes(policy)) {
    errs.push(invalidCause(field.child('errorPolicy'), `${String(field.child('errorPolicy'))} has invalid value "${policy}"`));
  }
  for (const msg of dns1123LabelErrors(disk.name)) errs.push(invalidCause(field.child('name'), msg));
  errs.push(...validateBlockSize(field, disk));
  return errs;
}

/** Rules each disk of `spec.domain.devices.disks` must satisfy on its own and among the others. */
export function validateDisks(field: FieldPath, disks: readonly Disk[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, number>();
  (disks ?? []).forEach((disk, i) => {
    errs.push(...validateOneDisk(field.index(i), disk, seen));
    if (!seen.has(disk.name)) seen.set(disk.name, i);
  });
  return errs;
}

/**
 * Disks against volumes, and boot orders unique across disks and interfaces (upstream
 * validateBootOrder): a disk needs a volume (an empty CD-ROM only with DeclarativeHotplugVolumes),
 * LUNs need a PVC or DataVolume, downwardMetrics volumes a virtio disk.
 */
export function validateDiskVolumesAndBootOrder(field: FieldPath, spec: VirtualMachineInstanceSpec, config: ValidationConfig): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v] as const));
  const bootOrders = new Set<number>();
  const disksField = field.child('domain', 'devices', 'disks');
  (spec.domain?.devices?.disks ?? []).forEach((disk, i) => {
    const f = disksField.index(i);
    const volume = volumes.get(disk.name);
    if (!volume) {
      if (!disk.cdrom) errs.push(invalidCause(f.child('name'), `${String(f.child('Name'))} '${disk.name}' not found.`));
      else if (!gateOn(config, 'DeclarativeHotplugVolumes')) {
        errs.push(invalidCause(f.child('name'), 'DeclarativeHotplugVolumes feature gate not enabled, cannot define an empty CD-ROM disk'));
      }
    }
    if (disk.lun && volume && !volume.persistentVolumeClaim && !volume.dataVolume) {
      errs.push(invalidCause(f.child('lun'), `${String(f.child('lun'))} can only be mapped to a DataVolume or PersistentVolumeClaim volume.`));
    }
    if (volume?.downwardMetrics) {
      if (!disk.disk) errs.push(requiredCause(f.child('disk'), `DownwardMetrics volume must be mapped to a disk, but disk is not set on ${String(f.child('disk'))}.`));
      else if (disk.disk.bus && disk.disk.bus !== 'virtio') {
        errs.push(invalidCause(f.child('disk', 'bus'), `DownwardMetrics volume must be mapped to virtio bus, but ${String(f.child('disk', 'bus'))} is set to ${disk.disk.bus}`));
      }
    }
    if (disk.bootOrder !== undefined) {
      if (bootOrders.has(disk.bootOrder)) errs.push(invalidCause(f.child('bootOrder'), `Boot order for ${String(f.child('bootOrder'))} already set for a different device.`));
      bootOrders.add(disk.bootOrder);
    }
  });
  const ifField = field.child('domain', 'devices', 'interfaces');
  (spec.domain?.devices?.interfaces ?? []).forEach((iface, i) => {
    if (iface.bootOrder === undefined) return;
    const f = ifField.index(i);
    if (iface.bootOrder < 1) errs.push(invalidCause(f.child('bootOrder'), `${String(f)} must have a boot order > 0, if supplied`));
    else {
      if (bootOrders.has(iface.bootOrder)) errs.push(invalidCause(f.child('bootOrder'), `Boot order for ${String(f.child('bootOrder'))} already set for a different device.`));
      bootOrders.add(iface.bootOrder);
    }
  });
  return errs;
}
