/** VirtualMachineInstanceReplicaSet: keeps a number of VMIs from one template running. */
import type { Static } from '@sinclair/typebox';
import { arr, bool, int32, obj, opt, str } from './schema.js';
import { conditionSchema, LabelSelectorSchema } from './core.js';
import { kindSchema } from './kinds-common.js';
import { VirtualMachineInstanceTemplateSpecSchema } from './vm.js';

export const VMIRS_CONDITION_TYPES = ['ReplicaFailure', 'ReplicaPaused'] as const;

export const VirtualMachineInstanceReplicaSetSpecSchema = obj('Desired state of a VMI replica set.', {
  replicas: opt(int32('Number of desired VMIs. Defaults to 1.')),
  selector: LabelSelectorSchema,
  template: VirtualMachineInstanceTemplateSpecSchema,
  paused: opt(bool('The replica set is paused.')),
});

export const VirtualMachineInstanceReplicaSetStatusSchema = obj('Observed state of a VMI replica set.', {
  replicas: opt(int32('Number of non-final VMIs matching the selector.')),
  readyReplicas: opt(int32('Number of ready VMIs.')),
  conditions: opt(arr('Conditions of the replica set.', conditionSchema('A condition of the replica set.', VMIRS_CONDITION_TYPES))),
  labelSelector: opt(str('Canonical label selector, for the scale subresource.')),
}, { nullable: true });

export const VirtualMachineInstanceReplicaSetSchema = kindSchema('Keeps a number of VMIs from one template running.', {
  spec: VirtualMachineInstanceReplicaSetSpecSchema,
  status: opt(VirtualMachineInstanceReplicaSetStatusSchema),
});
export type VirtualMachineInstanceReplicaSet = Static<typeof VirtualMachineInstanceReplicaSetSchema>;
