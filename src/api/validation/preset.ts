/** VirtualMachineInstancePreset rules (upstream ValidateVMIPresetSpec): a domain whose disks and firmware are valid. */
import { FieldPath, type FieldError } from '../meta/index.js';
import type { VirtualMachineInstancePreset } from '../kubevirt/preset.js';
import { requiredCause } from './cause.js';
import { validateDisks } from './disks.js';
import { validateFirmware } from './firmware.js';

/** A preset on create or update. Empty when valid. */
export function validatePreset(preset: VirtualMachineInstancePreset): FieldError[] {
  const field = FieldPath.root('spec', 'domain');
  const domain = preset.spec?.domain;
  if (!domain) return [requiredCause(field, 'missing domain.')];
  const errs = validateDisks(field.child('devices', 'disks'), domain.devices?.disks);
  // Only the bootloader and kernel boot rules apply to a preset's firmware (no SMM check).
  errs.push(...validateFirmware(field, { domain: { ...domain, features: { smm: {} } } }));
  return errs;
}
