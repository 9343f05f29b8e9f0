/** VirtualMachine: a VMI template with a run strategy, data volume templates and a printable status. */
import type { Static } from '@sinclair/typebox';
import { arr, bool, int32, int64, obj, opt, preserve, str, strEnum, stringMap, time } from './schema.js';
import { conditionSchema, TemplateMetaSchema } from './core.js';
import { kindSchema } from './kinds-common.js';
import { VirtualMachineInstanceSpecSchema } from './vmi-spec.js';
import { DiskSchema } from './disks.js';
import { HotplugVolumeSourceSchema } from './volumes.js';
import { ChangedBlockTrackingStatusSchema, StorageMigratedVolumeInfoSchema, VMI_CONDITION_TYPES } from './vmi-status.js';

export const RUN_STRATEGIES = ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once', 'WaitAsReceiver'] as const;
export type VirtualMachineRunStrategy = (typeof RUN_STRATEGIES)[number];

/** VM printable statuses; the VM controller picks the first that applies, in upstream's order. */
export const PRINTABLE_STATUSES = [
  'Stopped', 'Provisioning', 'Starting', 'Running', 'Paused', 'Stopping', 'Terminating', 'CrashLoopBackOff', 'Migrating',
  'Unknown', 'ErrorUnschedulable', 'ErrImagePull', 'ImagePullBackOff', 'ErrorPvcNotFound', 'ErrorDataVolumeNotFound', 'DataVolumeError',
  'WaitingForVolumeBinding', 'WaitingForReceiver',
] as const;
export type VirtualMachinePrintableStatus = (typeof PRINTABLE_STATUSES)[number];

/** VM condition types: its own, plus the VMI conditions the VM controller copies. */
export const VM_CONDITION_TYPES = ['Failure', 'RestartRequired', 'ManualRecoveryRequired', ...VMI_CONDITION_TYPES] as const;
export const STATE_CHANGE_ACTIONS = ['Start', 'Stop'] as const;

/** The VMI template of VMs and replica sets. */
export const VirtualMachineInstanceTemplateSpecSchema = obj('Template of the VMI to create.', {
  metadata: opt(TemplateMetaSchema),
  spec: opt(VirtualMachineInstanceSpecSchema),
});
export type VirtualMachineInstanceTemplateSpec = Static<typeof VirtualMachineInstanceTemplateSpecSchema>;

/** cdi.kubevirt.io/v1beta1 DataVolumeSpec, kept free-form here (the CDI types own its shape). */
export interface DataVolumeSpec {
  source?: Record<string, unknown>;
  sourceRef?: { kind: string; namespace?: string; name: string };
  pvc?: Record<string, unknown>;
  storage?: Record<string, unknown>;
  contentType?: string;
  preallocation?: boolean;
  priorityClassName?: string;
  [key: string]: unknown;
}

export const DataVolumeTemplateSpecSchema = obj('A DataVolume created for, and tied to the life of, the VM.', {
  apiVersion: opt(str('Unused; kept for compatibility.')),
  kind: opt(str('Unused; kept for compatibility.')),
  metadata: opt(TemplateMetaSchema),
  spec: preserve<DataVolumeSpec>('DataVolume specification (cdi.kubevirt.io/v1beta1).'),
  status: opt(obj('Unused; kept for compatibility with a previous API.', {}, { nullable: true })),
});
export type DataVolumeTemplateSpec = Static<typeof DataVolumeTemplateSpecSchema>;

const matcher = (what: string) =>
  obj(`References a ${what} that fills fields of the template.`, {
    name: opt(str(`Name of the ${what}.`)),
    kind: opt(str(`Kind of the ${what} resource (namespaced or cluster-wide).`)),
    revisionName: opt(str('ControllerRevision holding the copy in use.')),
    inferFromVolume: opt(str(`Volume to infer the ${what} from.`)),
    inferFromVolumeFailurePolicy: opt(strEnum(['Reject', 'Ignore'] as const, 'Reject (default) or Ignore.')),
  });

export const VirtualMachineSpecSchema = obj('Desired state of a VirtualMachine.', {
  running: opt(bool('Deprecated: whether the VMI should exist; mutually exclusive with runStrategy.')),
  runStrategy: opt(strEnum(RUN_STRATEGIES, 'Always, Halted, Manual, RerunOnFailure or Once; mutually exclusive with running.')),
  instancetype: opt(matcher('instancetype')),
  preference: opt(matcher('preference')),
  template: VirtualMachineInstanceTemplateSpecSchema,
  dataVolumeTemplates: opt(arr('DataVolumes created with the VM and tied to its life.', DataVolumeTemplateSpecSchema)),
  updateVolumesStrategy: opt(strEnum(['Migration', 'Replacement'] as const, 'How volume updates are applied: Migration or Replacement.')),
});
export type VirtualMachineSpec = Static<typeof VirtualMachineSpecSchema>;

export const VirtualMachineConditionSchema = conditionSchema('A condition of the VM.', VM_CONDITION_TYPES);
export type VirtualMachineCondition = Static<typeof VirtualMachineConditionSchema>;

const statusRef = obj('State of a referenced instancetype or preference.', {
  name: opt(str('Name of the resource.')),
  kind: opt(str('Kind of the resource.')),
  controllerRevisionRef: opt(obj('ControllerRevision holding a copy.', { name: opt(str('Name of the ControllerRevision.')) })),
  inferFromVolume: opt(str('Volume used to infer the resource.')),
  inferFromVolumeFailurePolicy: opt(str('Reject or Ignore.')),
}, { nullable: true });

export const VirtualMachineStatusSchema = obj('Observed state of a VirtualMachine.', {
  snapshotInProgress: opt(str('VirtualMachineSnapshot in progress.')),
  restoreInProgress: opt(str('VirtualMachineRestore in progress.')),
  created: opt(bool('The VMI exists.')),
  ready: opt(bool('The VMI is running and ready.')),
  printableStatus: opt(strEnum(PRINTABLE_STATUSES, 'Human-readable status of the VM.')),
  conditions: opt(arr('Conditions of the VM.', VirtualMachineConditionSchema)),
  stateChangeRequests: opt(
    arr(
      'Actions to take on the VMI, e.g. stop it then start a new one.',
      obj('A state change request.', {
        action: strEnum(STATE_CHANGE_ACTIONS, 'Start or Stop.'),
        data: opt(stringMap('Extra data for the action.')),
        uid: opt(str('UID of the VMI the request applies to.')),
      }),
    ),
  ),
  volumeRequests: opt(
    arr(
      'Volumes to hot(un)plug.',
      obj('A volume request.', {
        addVolumeOptions: opt(
          obj('Add a volume.', {
            name: str('Name mapping the disk to the volume.'),
            disk: DiskSchema,
            volumeSource: HotplugVolumeSourceSchema,
            dryRun: opt(arr('Dry-run directives.', str('All.'), { 'x-kubernetes-list-type': 'atomic' })),
          }),
        ),
        removeVolumeOptions: opt(
          obj('Remove a volume.', {
            name: str('Name of the disk and volume.'),
            dryRun: opt(arr('Dry-run directives.', str('All.'), { 'x-kubernetes-list-type': 'atomic' })),
          }),
        ),
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  volumeSnapshotStatuses: opt(
    arr(
      'Whether each volume supports snapshots.',
      obj('Snapshot support of a volume.', {
        name: str('Volume name.'),
        enabled: bool('True if the volume supports snapshots.'),
        reason: opt(str('Why not, when disabled.')),
      }),
    ),
  ),
  startFailure: opt(
    obj('Consecutive start failures, for crash-loop back-off.', {
      consecutiveFailCount: opt(int32('Consecutive failures.')),
      lastFailedVMIUID: opt(str('UID of the last failed VMI.')),
      retryAfterTimestamp: opt(time('Earliest retry time.')),
    }, { nullable: true }),
  ),
  memoryDumpRequest: opt(
    obj('A memory dump request.', {
      claimName: str('PVC receiving the dump.'),
      phase: strEnum(['Associating', 'InProgress', 'Unmounting', 'Completed', 'Dissociating', 'Failed'] as const, 'Phase of the dump.'),
      remove: opt(bool('Dissociate the dump PVC.')),
      startTimestamp: opt(time('When the dump started.')),
      endTimestamp: opt(time('When the dump completed.')),
      fileName: opt(str('Name of the output file.')),
      message: opt(str('Failure details.')),
    }, { nullable: true }),
  ),
  observedGeneration: opt(int64('Generation observed by the VMI when started.')),
  desiredGeneration: opt(int64('Generation desired for the VMI.')),
  runStrategy: opt(strEnum(RUN_STRATEGIES, 'Last run strategy acted on.')),
  volumeUpdateState: opt(
    obj('Volume update state.', {
      volumeMigrationState: opt(
        obj('Volume migration state.', {
          migratedVolumes: opt(arr('Migrated volumes.', StorageMigratedVolumeInfoSchema, { 'x-kubernetes-list-type': 'atomic' })),
        }),
      ),
    }),
  ),
  changedBlockTracking: opt(ChangedBlockTrackingStatusSchema),
  instancetypeRef: opt(statusRef),
  preferenceRef: opt(statusRef),
});
export type VirtualMachineStatus = Static<typeof VirtualMachineStatusSchema>;

export const VirtualMachineSchema = kindSchema('A VirtualMachine: a VMI template plus how and when it runs.', {
  spec: VirtualMachineSpecSchema,
  status: opt(VirtualMachineStatusSchema),
});
export type VirtualMachine = Static<typeof VirtualMachineSchema>;

