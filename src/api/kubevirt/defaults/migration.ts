/**
 * defaultMigration: what virt-api's migration-create mutator adds to a VirtualMachineInstanceMigration:
 * the `kubevirt.io/vmi-name` selector label and the `kubevirt.io/migrationJobFinalize` finalizer.
 */
import type { VirtualMachineInstanceMigration } from '../migration.js';
import { MIGRATION_FINALIZER, MIGRATION_SELECTOR_LABEL } from '../constants.js';
import type { DefaultingResult } from './vmi.js';

/** The migration as the mutating webhook stores it. Pure; idempotent. */
export function defaultMigration(migration: VirtualMachineInstanceMigration): DefaultingResult<VirtualMachineInstanceMigration> {
  const out = structuredClone(migration);
  const meta = (out.metadata ??= {});
  (meta.labels ??= {})[MIGRATION_SELECTOR_LABEL] = out.spec?.vmiName ?? '';
  const finalizers = (meta.finalizers ??= []);
  if (!finalizers.includes(MIGRATION_FINALIZER)) finalizers.push(MIGRATION_FINALIZER);
  return { object: out, warnings: [] };
}
