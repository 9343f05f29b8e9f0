/**
 * VirtualMachineInstanceMigration create rules (upstream MigrationCreateAdmitter): a vmiName naming
 * an existing, not finalized, migratable VMI with no other migration in flight.
 */
import { FieldPath, type FieldError } from '../meta/index.js';
import type { VirtualMachineInstanceMigration } from '../kubevirt/migration.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';
import { invalidCause, requiredCause } from './cause.js';

/** Reads the cluster for migration admission (an informer cache in virt-api). */
export interface MigrationLookups {
  /** The VMI `namespace/name`, or undefined when it does not exist. */
  readonly vmi: (namespace: string, name: string) => VirtualMachineInstance | undefined;
  /** Migrations of the namespace targeting `vmiName` (optional: no in-flight check without it). */
  readonly migrationsFor?: (namespace: string, vmiName: string) => readonly VirtualMachineInstanceMigration[];
}

/** A migration on create. Empty when it may proceed. */
export function validateMigration(mig: VirtualMachineInstanceMigration, lookups: MigrationLookups): FieldError[] {
  const f = FieldPath.root('spec', 'vmiName');
  const name = mig.spec?.vmiName ?? '';
  if (!name) return [requiredCause(f, 'vmiName is missing')];
  const ns = mig.metadata?.namespace ?? '';
  const vmi = lookups.vmi(ns, name);
  if (!vmi) return [invalidCause(f, `the VMI "${ns}/${name}" does not exist`)];
  const phase = vmi.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return [invalidCause(f, 'Cannot migrate VMI in finalized state.')];
  const blocked = (vmi.status?.conditions ?? []).find((c) => c.type === 'LiveMigratable' && c.status === 'False');
  if (blocked) return [invalidCause(f, `Cannot migrate VMI, Reason: ${blocked.reason ?? ''}, Message: ${blocked.message ?? ''}`)];
  const active = (lookups.migrationsFor?.(ns, name) ?? []).find(
    (m) => m.metadata?.uid !== mig.metadata?.uid && m.status?.phase !== 'Succeeded' && m.status?.phase !== 'Failed',
  );
  if (active) return [invalidCause(f, `in-flight migration detected. Active migration job (${active.metadata?.uid ?? ''}) is currently already in progress for VMI ${name}.`)];
  return [];
}
