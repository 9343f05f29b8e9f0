/** VirtualMachineInstancePreset (deprecated upstream): a domain fragment applied to matching VMIs at creation. */
import type { Static } from '@sinclair/typebox';
import { obj, opt } from './schema.js';
import { LabelSelectorSchema } from './core.js';
import { kindSchema } from './kinds-common.js';
import { DomainSpecSchema } from './vmi-spec.js';

export const VirtualMachineInstancePresetSpecSchema = obj('Selector and domain settings of a preset.', {
  selector: LabelSelectorSchema,
  domain: opt(DomainSpecSchema),
});

export const VirtualMachineInstancePresetSchema = kindSchema('Domain settings applied to every VMI matching a label selector (deprecated).', {
  spec: opt(VirtualMachineInstancePresetSpecSchema),
});
export type VirtualMachineInstancePreset = Static<typeof VirtualMachineInstancePresetSchema>;
