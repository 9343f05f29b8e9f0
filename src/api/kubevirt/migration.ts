/** VirtualMachineInstanceMigration: a request to live-migrate one VMI, and its progress. */
import type { Static } from '@sinclair/typebox';
import { arr, obj, opt, str, strEnum, stringMap, time } from './schema.js';
import { conditionSchema } from './core.js';
import { kindSchema } from './kinds-common.js';
import { MigrationStateSchema } from './vmi-status.js';

export const MIGRATION_PHASES = [
  '', 'Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running', 'Succeeded', 'Failed',
  'WaitingForSync', 'Synchronizing',
] as const;
export type VirtualMachineInstanceMigrationPhase = (typeof MIGRATION_PHASES)[number];
export const MIGRATION_CONDITION_TYPES = [
  'migrationAbortRequested', 'migrationRejectedByResourceQuota', 'migrationBlockedByUtilityVolumes',
  'decentralizedMigrationBlocked', 'migrationBlockedByBackup',
] as const;
export const MIGRATION_PRIORITIES = ['system-critical', 'user-triggered', 'system-maintenance'] as const;

export const VirtualMachineInstanceMigrationSpecSchema = obj('Which VMI to migrate, and where.', {
  vmiName: opt(str("Name of the VMI to migrate; it must exist in the migration's namespace.")),
  addedNodeSelector: opt(stringMap('Extra node selector restricting target nodes; the VM keeps its own keys on collision.')),
  sendTo: opt(
    obj('This migration is the source of a decentralized migration.', {
      migrationID: str('Unique id of the migration.'),
      connectURL: str('URL of the synchronization controller.'),
    }),
  ),
  receive: opt(obj('This migration is the target of a decentralized migration.', { migrationID: str('Unique id of the migration.') })),
  priority: opt(strEnum(MIGRATION_PRIORITIES, 'system-critical, user-triggered or system-maintenance.')),
});

export const VirtualMachineInstanceMigrationStatusSchema = obj('Progress of a migration.', {
  phase: opt(strEnum(MIGRATION_PHASES, 'Phase of the migration.')),
  conditions: opt(arr('Conditions of the migration.', conditionSchema('A condition of the migration.', MIGRATION_CONDITION_TYPES))),
  phaseTransitionTimestamps: opt(
    arr(
      'When each phase was entered.',
      obj('A phase transition.', {
        phase: opt(strEnum(MIGRATION_PHASES, 'The phase.')),
        phaseTransitionTimestamp: opt(time('When it was entered.')),
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  migrationState: opt(MigrationStateSchema),
  synchronizationAddresses: opt(arr('Addresses of the synchronization controller.', str('An address.'), { 'x-kubernetes-list-type': 'atomic' })),
});

export const VirtualMachineInstanceMigrationSchema = kindSchema("Tracks one VMI's migration to another node.", {
  spec: VirtualMachineInstanceMigrationSpecSchema,
  status: opt(VirtualMachineInstanceMigrationStatusSchema),
});
export type VirtualMachineInstanceMigration = Static<typeof VirtualMachineInstanceMigrationSchema>;
