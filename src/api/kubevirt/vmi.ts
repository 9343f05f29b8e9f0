/** VirtualMachineInstance: a virtual machine running (or about to run) in the cluster. */
import type { Static } from '@sinclair/typebox';
import { kindSchema } from './kinds-common.js';
import { opt } from './schema.js';
import { VirtualMachineInstanceSpecSchema } from './vmi-spec.js';
import { VirtualMachineInstanceStatusSchema } from './vmi-status.js';

export const VirtualMachineInstanceSchema = kindSchema('A virtual machine running in the cluster.', {
  spec: VirtualMachineInstanceSpecSchema,
  status: opt(VirtualMachineInstanceStatusSchema),
});
export type VirtualMachineInstance = Static<typeof VirtualMachineInstanceSchema>;
