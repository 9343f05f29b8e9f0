/**
 * Firmware and machine rules (upstream vmi-create-admitter): SMBIOS serial, ACPI table volume
 * references, BIOS xor EFI, kernel boot container, EFI SecureBoot needing SMM, and the machine
 * type allow-list of the architecture.
 */
import type { FieldError, FieldPath } from '../meta/index.js';
import type { VirtualMachineInstanceSpec } from '../kubevirt/vmi-spec.js';
import type { Firmware, Features } from '../kubevirt/domain.js';
import type { Volume } from '../kubevirt/volumes.js';
import { goList, globMatch, invalidCause, requiredCause, type ValidationConfig } from './cause.js';
import { isValidSerial } from './disks.js';
import { validatePath } from './volumes.js';

type Spec = VirtualMachineInstanceSpec;

/** firmware.serial: at most 256 characters from [A-Za-z0-9_.+-]. */
export function validateFirmwareSerial(field: FieldPath, spec: Spec): FieldError[] {
  const serial = spec.domain?.firmware?.serial;
  if (!serial) return [];
  const f = field.child('domain', 'firmware', 'serial');
  const errs: FieldError[] = [];
  if (serial.length > 256) errs.push(invalidCause(f, `${String(f)} must be less than or equal to 256 in length, if specified`));
  if (!isValidSerial(serial)) errs.push(invalidCause(f, `${String(f)} must be made up of the following characters [A-Za-z0-9_.+-], if specified`));
  return errs;
}

function acpiRef(field: FieldPath, ref: string | undefined, volumes: readonly Volume[], name: string): FieldError[] {
  if (!ref) return [];
  const volume = volumes.find((v) => v.name === ref);
  if (!volume) return [invalidCause(field.child(name), `${String(field)} does not have a matching Volume.`)];
  return volume.secret ? [] : [invalidCause(field.child(name), `${String(field)} refers to Volume of unsupported type.`)];
}

/** firmware.acpi: at least one table, each naming a secret volume. Upstream reports at `spec.acpi`. */
export function validateFirmwareACPI(field: FieldPath, spec: Spec): FieldError[] {
  const acpi = spec.domain?.firmware?.acpi;
  if (!acpi) return [];
  const f = field.child('acpi');
  if (!acpi.slicNameRef && !acpi.msdmNameRef) return [invalidCause(f, 'ACPI was set but no SLIC nor MSDM volume reference was set')];
  return [...acpiRef(f, acpi.slicNameRef, spec.volumes ?? [], 'slicNameRef'), ...acpiRef(f, acpi.msdmNameRef, spec.volumes ?? [], 'msdmNameRef')];
}

function validateKernelBoot(field: FieldPath, kb: NonNullable<Firmware['kernelBoot']>): FieldError[] {
  if (!kb.container) return kb.kernelArgs ? [invalidCause(field.child('kernelArgs'), 'kernel arguments cannot be provided without an external kernel')] : [];
  const c = kb.container;
  const cf = field.child('container');
  const errs: FieldError[] = [];
  if (!c.image) errs.push(requiredCause(cf.child('image'), `${String(cf)} must be defined with an image`));
  if (!c.initrdPath && !c.kernelPath) errs.push(requiredCause(cf, `${String(cf)} must be defined with at least one of the following: kernelPath, initrdPath`));
  if (c.kernelPath) errs.push(...validatePath(cf.child('kernelPath'), c.kernelPath));
  if (c.initrdPath) errs.push(...validatePath(cf.child('initrdPath'), c.initrdPath));
  return errs;
}

/** True when EFI SecureBoot is on (the default when EFI is chosen). */
export const secureBootEnabled = (fw: Firmware | undefined): boolean => !!fw?.bootloader?.efi && fw.bootloader.efi.secureBoot !== false;
/** True when EFI is the bootloader. */
export const efiEnabled = (fw: Firmware | undefined): boolean => !!fw?.bootloader?.efi;
const smmEnabled = (features: Features | undefined): boolean => !!features?.smm && features.smm.enabled !== false;

/** Bootloader, kernel boot and SecureBoot-needs-SMM rules of `spec.domain`. */
export function validateFirmware(domainField: FieldPath, spec: Spec): FieldError[] {
  const fw = spec.domain?.firmware;
  const errs: FieldError[] = [];
  const f = domainField.child('firmware');
  if (fw?.bootloader?.efi && fw.bootloader.bios) {
    const bf = f.child('bootloader');
    errs.push(invalidCause(bf, `${String(bf)} has both EFI and BIOS configured, but they are mutually exclusive.`));
  }
  if (fw?.kernelBoot) errs.push(...validateKernelBoot(f.child('kernelBoot'), fw.kernelBoot));
  if (secureBootEnabled(fw) && !smmEnabled(spec.domain?.features)) {
    errs.push(invalidCause(domainField, `${String(domainField)} has EFI SecureBoot enabled. SecureBoot requires SMM, which is currently disabled.`));
  }
  return errs;
}

/** machine.type must match one of the architecture's emulatedMachines globs. */
export function validateMachineType(field: FieldPath, spec: Spec, config: ValidationConfig): FieldError[] {
  const type = spec.domain?.machine?.type;
  if (!type) return [];
  const arch = (spec.architecture || config.defaultArchitecture) as keyof ValidationConfig['architectures'];
  const allowed = (config.architectures[arch] ?? config.architectures[config.defaultArchitecture]).emulatedMachines;
  if (allowed.some((g) => globMatch(g, type))) return [];
  const f = field.child('domain', 'machine', 'type');
  return [invalidCause(f, `${String(f)} is not supported: ${type} (allowed values: ${goList(allowed)})`)];
}
