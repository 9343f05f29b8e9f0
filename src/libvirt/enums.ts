/**
 * Domain states, state reasons, lifecycle event kinds and details, and API flags, from libvirt's
 * include/libvirt/libvirt-domain.h. Numbers are ABI; names are the enum suffixes in PascalCase
 * (VIR_DOMAIN_SHUTOFF_DESTROYED -> 'Destroyed').
 */

/** virDomainState, indexed by number. */
export const DOMAIN_STATES = ['NoState', 'Running', 'Blocked', 'Paused', 'Shutdown', 'Shutoff', 'Crashed', 'PMSuspended'] as const;
export type DomainStateName = (typeof DOMAIN_STATES)[number] | 'Unknown';

export const VIR_DOMAIN_NOSTATE = 0;
export const VIR_DOMAIN_RUNNING = 1;
export const VIR_DOMAIN_BLOCKED = 2;
export const VIR_DOMAIN_PAUSED = 3;
export const VIR_DOMAIN_SHUTDOWN = 4;
export const VIR_DOMAIN_SHUTOFF = 5;
export const VIR_DOMAIN_CRASHED = 6;
export const VIR_DOMAIN_PMSUSPENDED = 7;

/** The reason enums of each state (virDomainRunningReason, virDomainPausedReason, ...). */
const STATE_REASONS: readonly (readonly string[])[] = [
  ['Unknown'],
  [
    'Unknown', 'Booted', 'Migrated', 'Restored', 'FromSnapshot', 'Unpaused', 'MigrationCanceled',
    'SaveCanceled', 'Wakeup', 'Crashed', 'Postcopy', 'PostcopyFailed',
  ],
  ['Unknown'],
  [
    'Unknown', 'User', 'Migration', 'Save', 'Dump', 'IOError', 'Watchdog', 'FromSnapshot',
    'ShuttingDown', 'Snapshot', 'Crashed', 'StartingUp', 'Postcopy', 'PostcopyFailed', 'APIError',
  ],
  ['Unknown', 'User'],
  ['Unknown', 'Shutdown', 'Destroyed', 'Crashed', 'Migrated', 'Saved', 'Failed', 'FromSnapshot', 'Daemon'],
  ['Unknown', 'Panicked'],
  ['Unknown'],
];

/** Name of a virDomainState number. */
export function domainStateName(state: number): DomainStateName {
  return DOMAIN_STATES[state] ?? 'Unknown';
}

/** Name of a state reason number, which depends on the state. */
export function domainStateReasonName(state: number, reason: number): string {
  return STATE_REASONS[state]?.[reason] ?? `Unknown(${reason})`;
}

/** virDomainEventType (lifecycle events), indexed by number. */
export const LIFECYCLE_EVENTS = [
  'Defined', 'Undefined', 'Started', 'Suspended', 'Resumed', 'Stopped', 'Shutdown', 'PMSuspended', 'Crashed',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number] | 'Unknown';

/** The detail enums of each lifecycle event (virDomainEventStartedDetailType, ...). */
const LIFECYCLE_DETAILS: readonly (readonly string[])[] = [
  ['Added', 'Updated', 'Renamed', 'FromSnapshot'],
  ['Removed', 'Renamed'],
  ['Booted', 'Migrated', 'Restored', 'FromSnapshot', 'Wakeup'],
  ['Paused', 'Migrated', 'IOError', 'Watchdog', 'Restored', 'FromSnapshot', 'APIError', 'Postcopy', 'PostcopyFailed'],
  ['Unpaused', 'Migrated', 'FromSnapshot', 'Postcopy', 'PostcopyFailed'],
  ['Shutdown', 'Destroyed', 'Crashed', 'Migrated', 'Saved', 'Failed', 'FromSnapshot'],
  ['Finished', 'Guest', 'Host'],
  ['Memory', 'Disk'],
  ['Panicked', 'Crashloaded'],
];

export function lifecycleEventName(event: number): LifecycleEventName {
  return LIFECYCLE_EVENTS[event] ?? 'Unknown';
}

export function lifecycleDetailName(event: number, detail: number): string {
  return LIFECYCLE_DETAILS[event]?.[detail] ?? `Unknown(${detail})`;
}

/** virDomainEventID: the event kinds this client decodes. */
export const DomainEventId = {
  LIFECYCLE: 0,
  REBOOT: 1,
  DEVICE_REMOVED: 15,
  AGENT_LIFECYCLE: 18,
  DEVICE_ADDED: 19,
  MIGRATION_ITERATION: 20,
  JOB_COMPLETED: 21,
} as const;

/** virConnectDomainEventAgentLifecycleState / Reason */
export const AGENT_STATES = ['Unknown', 'Connected', 'Disconnected'] as const;
export const AGENT_REASONS = ['Unknown', 'DomainStarted', 'Channel'] as const;

/** virDomainShutdownFlagValues (also virDomainRebootFlagValues). */
export const ShutdownFlags = {
  DEFAULT: 0,
  ACPI_POWER_BTN: 1,
  GUEST_AGENT: 2,
  INITCTL: 4,
  SIGNAL: 8,
  PARAVIRT: 16,
} as const;

/** virDomainDestroyFlagsValues */
export const DestroyFlags = { DEFAULT: 0, GRACEFUL: 1, REMOVE_LOGS: 2 } as const;

/** virDomainUndefineFlagsValues */
export const UndefineFlags = {
  MANAGED_SAVE: 1,
  SNAPSHOTS_METADATA: 2,
  NVRAM: 4,
  KEEP_NVRAM: 8,
  CHECKPOINTS_METADATA: 16,
  TPM: 32,
  KEEP_TPM: 64,
} as const;

/** virDomainDefineFlags */
export const DefineFlags = { VALIDATE: 1 } as const;

/** virDomainCreateFlags */
export const CreateFlags = {
  NONE: 0,
  START_PAUSED: 1,
  START_AUTODESTROY: 2,
  START_BYPASS_CACHE: 4,
  START_FORCE_BOOT: 8,
  START_VALIDATE: 16,
  START_RESET_NVRAM: 32,
} as const;

/** virDomainXMLFlags */
export const DomainXMLFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;

/** virConnectListAllDomainsFlags (a few) */
export const ListDomainsFlags = { ACTIVE: 1, INACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, RUNNING: 16, PAUSED: 32, SHUTOFF: 64 } as const;

/** virDomainMemoryStatTags, indexed by number. */
export const MEMORY_STAT_TAGS = [
  'swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused', 'available', 'actual_balloon', 'rss',
  'usable', 'last_update', 'disk_caches', 'hugetlb_pgalloc', 'hugetlb_pgfail',
] as const;

/** virDomainInterfaceAddressesSource */
export const InterfaceAddressSource = { LEASE: 0, AGENT: 1, ARP: 2 } as const;
export type InterfaceAddressSourceName = 'lease' | 'agent' | 'arp';

/** virDomainJobType, indexed by number. */
export const JOB_TYPES = ['None', 'Bounded', 'Unbounded', 'Completed', 'Failed', 'Cancelled'] as const;

/** virDomainMigrateFlags */
export const MigrateFlags = {
  LIVE: 1,
  PEER2PEER: 2,
  TUNNELLED: 4,
  PERSIST_DEST: 8,
  UNDEFINE_SOURCE: 16,
  PAUSED: 32,
  NON_SHARED_DISK: 64,
  NON_SHARED_INC: 128,
  CHANGE_PROTECTION: 256,
  UNSAFE: 512,
  OFFLINE: 1024,
  COMPRESSED: 2048,
  ABORT_ON_ERROR: 4096,
  AUTO_CONVERGE: 8192,
  RDMA_PIN_ALL: 16384,
  POSTCOPY: 32768,
  TLS: 65536,
  PARALLEL: 131072,
} as const;

/** VIR_DOMAIN_GUEST_INFO_* type bits for domainGetGuestInfo. */
export const GuestInfoTypes = {
  USERS: 1,
  OS: 2,
  TIMEZONE: 4,
  HOSTNAME: 8,
  FILESYSTEM: 16,
  DISKS: 32,
  INTERFACES: 64,
} as const;

/** virDomainModificationImpact: where device changes apply. */
export const AffectFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;

/** virDomainStatsTypes: groups of connectGetAllDomainStats. */
export const DomainStatsTypes = {
  STATE: 1,
  CPU_TOTAL: 2,
  BALLOON: 4,
  VCPU: 8,
  INTERFACE: 16,
  BLOCK: 32,
  PERF: 64,
  IOTHREAD: 128,
  MEMORY: 256,
  DIRTYRATE: 512,
} as const;
