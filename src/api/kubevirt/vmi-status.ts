/** VirtualMachineInstanceStatus: phase, conditions, interfaces, guest info, migration and volume state. */
import type { Static } from '@sinclair/typebox';
import { arr, bool, int32, int64, mapOf, obj, opt, quantity, resourceList, str, strEnum, stringMap, strList, time } from './schema.js';
import { conditionSchema } from './core.js';
import { MachineSchema } from './domain.js';

export const VMI_PHASES = ['', 'Pending', 'Scheduling', 'Scheduled', 'Running', 'Succeeded', 'Failed', 'WaitingForSync', 'Unknown'] as const;
export type VirtualMachineInstancePhase = (typeof VMI_PHASES)[number];

export const VMI_CONDITION_TYPES = [
  'Provisioning', 'Ready', 'Synchronized', 'Paused', 'AgentConnected', 'AccessCredentialsSynchronized', 'AgentVersionNotSupported',
  'LiveMigratable', 'HotVCPUChange', 'HotMemoryChange', 'VolumesChange', 'DataVolumesReady', 'StorageLiveMigratable',
  'DecentralizedLiveMigrationFailure', 'MigrationRequired', 'EvictionRequested', 'SoftwareEmulation', 'PodScheduled',
] as const;
export type VirtualMachineInstanceConditionType = (typeof VMI_CONDITION_TYPES)[number];

export const VirtualMachineInstanceConditionSchema = conditionSchema('A condition of the VMI.', VMI_CONDITION_TYPES);
export type VirtualMachineInstanceCondition = Static<typeof VirtualMachineInstanceConditionSchema>;

export const MIGRATION_METHODS = ['BlockMigration', 'LiveMigration'] as const;
export const MIGRATION_MODES = ['PreCopy', 'PostCopy', 'Paused'] as const;
export const MIGRATION_ABORT_STATUSES = ['Succeeded', 'Failed', 'Aborting'] as const;
export const VOLUME_PHASES = [
  'Pending', 'Bound', 'AttachedToNode', 'MountedToPod', 'Ready', 'Detaching', 'UnMountedFromPod',
  'MemoryDumpCompleted', 'MemoryDumpInProgress', 'MemoryDumpFailed',
] as const;

export const NetworkInterfaceStatusSchema = obj('Details of one network interface of the VMI.', {
  ipAddress: opt(str('IP address; always the first of ipAddresses.')),
  mac: opt(str('Hardware address.')),
  name: opt(str('Name of the interface (the network it is assigned to).')),
  ipAddresses: opt(strList('All IP addresses of the interface.')),
  podInterfaceName: opt(str('Name of the pod network interface.')),
  interfaceName: opt(str('Interface name inside the guest.')),
  infoSource: opt(str('Where the data comes from: domain, guest-agent, multus-status.')),
  queueCount: opt(int32('Number of queues allocated by multi-queue.')),
  linkState: opt(str('Current link state: up or down.')),
});
export type VirtualMachineInstanceNetworkInterface = Static<typeof NetworkInterfaceStatusSchema>;

export const GuestOSInfoSchema = obj('Guest OS information reported by the guest agent.', {
  name: opt(str('Name of the guest OS.')),
  kernelRelease: opt(str('Kernel release.')),
  version: opt(str('OS version.')),
  prettyName: opt(str('Pretty name.')),
  versionId: opt(str('Version id.')),
  kernelVersion: opt(str('Kernel version.')),
  machine: opt(str('Machine type of the guest OS.')),
  id: opt(str('OS id.')),
});

const commonMigrationState = {
  node: opt(str('Node of this side of the migration.')),
  pod: opt(str('Pod of this side of the migration.')),
  migrationUID: opt(str('UID of the migration object of this side.')),
  domainName: opt(str('Name of the libvirt domain.')),
  domainNamespace: opt(str('Namespace used in the libvirt domain name.')),
  syncAddress: opt(str('Address (ip or fqdn:port) to synchronise the VMI with the other side.')),
  persistentStatePVCName: opt(str('Persistent state (backend-storage) PVC of this side.')),
  selinuxContext: opt(str('SELinux context of the pod.')),
  virtualMachineInstanceUID: opt(str('UID of the VMI on this side.')),
};

export const PersistentVolumeClaimInfoSchema = obj('PVC facts virt-handler caches.', {
  claimName: opt(str('Name of the PVC.')),
  accessModes: opt(strList('Access modes of the PVC.', { 'x-kubernetes-list-type': 'atomic' })),
  volumeMode: opt(str('Filesystem or Block.')),
  capacity: opt(resourceList('Capacity from the PVC status.')),
  requests: opt(resourceList('Requests from the PVC spec.')),
  preallocated: opt(bool('Whether the storage is preallocated.')),
  filesystemOverhead: opt(str('Fraction of the filesystem reserved, in [0,1).', { pattern: '^(0(?:\\.\\d{1,3})?|1)$' })),
});
export const StorageMigratedVolumeInfoSchema = obj('Source and destination of a volume during volume migration.', {
  volumeName: str('Name of the migrated volume.'),
  sourcePVCInfo: opt(PersistentVolumeClaimInfoSchema),
  destinationPVCInfo: opt(PersistentVolumeClaimInfoSchema),
});

export const MigrationStateSchema = obj('State of a live migration.', {
  startTimestamp: opt(time('When the migration began.')),
  endTimestamp: opt(time('When the migration ended.')),
  targetNodeDomainReadyTimestamp: opt(time('When the target saw the domain active.')),
  targetNodeDomainDetected: opt(bool('The target node saw the domain start event.')),
  targetNodeAddress: opt(str('Address of the target node for the migration.')),
  targetDirectMigrationNodePorts: opt(mapOf('Ports opened for migration on the target.', int32('A port.'))),
  targetNode: opt(str('Node the VMI moves to.')),
  targetPod: opt(str('Pod the VMI moves to.')),
  targetAttachmentPodUID: opt(str('UID of the target hotplug attachment pod.')),
  sourceNode: opt(str('Node the VMI came from.')),
  sourcePod: opt(str('Pod the VMI came from.')),
  completed: opt(bool('The migration completed.')),
  failed: opt(bool('The migration failed.')),
  abortRequested: opt(bool('An abort was requested.')),
  abortStatus: opt(strEnum(MIGRATION_ABORT_STATUSES, 'Final status of the abort: Succeeded, Failed or Aborting.')),
  failureReason: opt(str('Why the migration failed.')),
  migrationUid: opt(str('UID of the VirtualMachineInstanceMigration.')),
  mode: opt(strEnum(MIGRATION_MODES, 'PreCopy, PostCopy or Paused.')),
  migrationPolicyName: opt(str('Name of the matched migration policy.')),
  migrationConfiguration: opt(obj('Effective migration configuration.', {}, { 'x-kubernetes-preserve-unknown-fields': true })),
  targetCPUSet: opt(arr('Dedicated CPUs on the target.', int32('A CPU.'), { 'x-kubernetes-list-type': 'atomic' })),
  targetNodeTopology: opt(str('NUMA topology on the target.')),
  sourcePersistentStatePVCName: opt(str('Source backend-storage PVC.')),
  targetPersistentStatePVCName: opt(str('Target backend-storage PVC.')),
  sourceState: opt(obj('State kept by the source virt-handler.', { ...commonMigrationState, nodeSelectors: opt(stringMap('Node selectors the target needs.')) })),
  targetState: opt(
    obj('State kept by the target virt-handler.', {
      ...commonMigrationState,
      domainReadyTimestamp: opt(time('When the target saw the domain active.')),
      domainDetected: opt(bool('The target saw the domain start event.')),
      nodeAddress: opt(str('Address of the target node.')),
      directMigrationNodePorts: opt(mapOf('Ports opened for migration.', int32('A port.'))),
      attachmentPodUID: opt(str('UID of the target hotplug attachment pod.')),
      cpuSet: opt(arr('Dedicated CPUs on the target.', int32('A CPU.'), { 'x-kubernetes-list-type': 'atomic' })),
      nodeTopology: opt(str('NUMA topology on the target.')),
    }),
  ),
  migrationNetworkType: opt(strEnum(['Pod', 'Migration'] as const, "Network used: 'Pod' or 'Migration'.")),
  targetMemoryOverhead: opt(quantity('Memory overhead of the target launcher pod.')),
});
export type VirtualMachineInstanceMigrationState = Static<typeof MigrationStateSchema>;

const checksum = { checksum: opt(int64('Deprecated checksum.', { minimum: 0, maximum: 4294967295 })) };
export const VolumeStatusSchema = obj('Status of one volume of the VMI.', {
  name: str('Name of the volume.'),
  target: str('Target device name in the guest, e.g. vda.'),
  phase: opt(strEnum(VOLUME_PHASES, 'Hotplug phase of the volume.')),
  reason: opt(str('Why the volume is in this phase.')),
  message: opt(str('Details of the phase.')),
  persistentVolumeClaimInfo: opt(PersistentVolumeClaimInfoSchema),
  hotplugVolume: opt(obj('Hotplug status.', { attachPodName: opt(str('Attachment pod name.')), attachPodUID: opt(str('Attachment pod UID.')) })),
  size: opt(int64('Size of the volume.')),
  memoryDumpVolume: opt(
    obj('Memory dump information.', {
      startTimestamp: opt(time('When the dump started.')),
      endTimestamp: opt(time('When the dump completed.')),
      claimName: opt(str('PVC the memory was dumped to.')),
      targetFileName: opt(str('Name of the dump file.')),
    }),
  ),
  containerDiskVolume: opt(obj('containerDisk information.', checksum)),
});

export const ChangedBlockTrackingStatusSchema = obj('Changed block tracking state.', {
  state: str('Current CBT state.'),
  backupStatus: opt(obj('Status of the last backup.', {}, { 'x-kubernetes-preserve-unknown-fields': true, nullable: true })),
}, { nullable: true });

export const VirtualMachineInstanceStatusSchema = obj('Observed state of a VMI; may trail the actual state.', {
  nodeName: opt(str('Node the VMI runs on.')),
  reason: opt(str("Brief CamelCase reason for the VMI's state, e.g. 'NodeUnresponsive'.")),
  conditions: opt(arr('Conditions of the VMI.', VirtualMachineInstanceConditionSchema)),
  phase: opt(strEnum(VMI_PHASES, 'Phase of the VMI in Kubernetes terms.')),
  phaseTransitionTimestamps: opt(
    arr(
      'When each phase was entered.',
      obj('A phase transition.', { phase: opt(strEnum(VMI_PHASES, 'The phase.')), phaseTransitionTimestamp: opt(time('When it was entered.')) }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  interfaces: opt(arr('Network interfaces of the VMI.', NetworkInterfaceStatusSchema)),
  guestOSInfo: opt(GuestOSInfoSchema),
  migrationState: opt(MigrationStateSchema),
  migrationMethod: opt(strEnum(MIGRATION_METHODS, 'BlockMigration or LiveMigration.')),
  migrationTransport: opt(strEnum(['Unix'] as const, 'Migration transport.')),
  qosClass: opt(strEnum(['Guaranteed', 'Burstable', 'BestEffort'] as const, 'QOS class of the VMI.')),
  launcherContainerImageVersion: opt(str('Launcher image in use.')),
  evacuationNodeName: opt(str('Node being evacuated (set by KubeVirt only).')),
  activePods: opt(stringMap('Pod UID -> node name of every pod of the VMI.')),
  volumeStatus: opt(arr('Status of each volume.', VolumeStatusSchema, { 'x-kubernetes-list-type': 'atomic' })),
  kernelBootStatus: opt(
    obj('Kernel boot container information.', {
      kernelInfo: opt(obj('Kernel image information.', checksum)),
      initrdInfo: opt(obj('Initrd information.', checksum)),
    }),
  ),
  fsFreezeStatus: opt(str('"frozen" when a guest filesystem freeze was requested.')),
  topologyHints: opt(obj('Topology hints.', { tscFrequency: opt(int64('TSC frequency.')) })),
  virtualMachineRevisionName: opt(str('VM revision of the VMI, for online snapshots.')),
  runtimeUser: opt(int64('User the launcher runs as.', { minimum: 0 })),
  VSOCKCID: opt(int64('Allocated VSOCK CID.', { minimum: 0, maximum: 4294967295 })),
  selinuxContext: opt(str('SELinux context of the launcher pod.')),
  machine: opt(MachineSchema),
  currentCPUTopology: opt(
    obj('CPU topology in use.', {
      cores: opt(int64('Cores.', { minimum: 0 })),
      sockets: opt(int64('Sockets.', { minimum: 0 })),
      threads: opt(int64('Threads.', { minimum: 0 })),
    }),
  ),
  memory: opt(
    obj('Memory information.', {
      guestAtBoot: opt(quantity('Memory at boot.')),
      guestCurrent: opt(quantity('Memory available now.')),
      guestRequested: opt(quantity('Memory requested through hotplug.')),
    }),
  ),
  migratedVolumes: opt(arr('Volumes migrated in a volume migration.', StorageMigratedVolumeInfoSchema, { 'x-kubernetes-list-type': 'atomic' })),
  changedBlockTracking: opt(ChangedBlockTrackingStatusSchema),
});
export type VirtualMachineInstanceStatus = Static<typeof VirtualMachineInstanceStatusSchema>;
