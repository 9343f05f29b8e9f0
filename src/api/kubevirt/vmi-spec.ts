/** VirtualMachineInstanceSpec: domain, scheduling, volumes, networks, probes and access credentials. */
import type { Static } from '@sinclair/typebox';
import { arr, int32, int64, obj, opt, str, strEnum, stringMap, empty } from './schema.js';
import {
  AffinitySchema,
  ExecActionSchema,
  HTTPGetActionSchema,
  PodDNSConfigSchema,
  TCPSocketActionSchema,
  TolerationSchema,
  TopologySpreadConstraintSchema,
} from './core.js';
import {
  ChassisSchema,
  ClockSchema,
  CPUSchema,
  FeaturesSchema,
  FirmwareSchema,
  IO_THREADS_POLICIES,
  LaunchSecuritySchema,
  MachineSchema,
  MemorySchema,
  REBOOT_POLICIES,
  ResourceRequirementsSchema,
} from './domain.js';
import { DevicesSchema } from './devices.js';
import { NetworkSchema } from './interfaces.js';
import { UtilityVolumeSchema, VolumeSchema } from './volumes.js';

export const DomainSpecSchema = obj('Desired behaviour of the VMI on the host.', {
  resources: opt(ResourceRequirementsSchema),
  cpu: opt(CPUSchema),
  memory: opt(MemorySchema),
  machine: opt(MachineSchema),
  firmware: opt(FirmwareSchema),
  clock: opt(ClockSchema),
  features: opt(FeaturesSchema),
  devices: DevicesSchema,
  ioThreadsPolicy: opt(strEnum(IO_THREADS_POLICIES, 'Whether disks share IO threads: shared, auto or supplementalPool; unset disables IO threads.')),
  ioThreads: opt(
    obj('IO thread options.', {
      supplementalPoolThreadCount: opt(int64('IO threads allocated for the supplementalPool policy.', { minimum: 0, maximum: 4294967295 })),
    }),
  ),
  chassis: opt(ChassisSchema),
  launchSecurity: opt(LaunchSecuritySchema),
  rebootPolicy: opt(strEnum(REBOOT_POLICIES, 'On guest reboot: Reboot (default) silently, or Terminate the VMI.', true)),
});
export type DomainSpec = Static<typeof DomainSpecSchema>;

export const ProbeSchema = obj('A health check of the VMI: liveness or readiness.', {
  exec: opt(ExecActionSchema),
  guestAgentPing: opt(empty('Ping the QEMU guest agent.')),
  httpGet: opt(HTTPGetActionSchema),
  tcpSocket: opt(TCPSocketActionSchema),
  initialDelaySeconds: opt(int32('Seconds after start before probes begin.')),
  timeoutSeconds: opt(int32('Seconds after which the probe times out. Defaults to 1; minimum 1.')),
  periodSeconds: opt(int32('How often to probe, in seconds. Defaults to 10; minimum 1.')),
  successThreshold: opt(int32('Consecutive successes to count as healthy after a failure. Defaults to 1.')),
  failureThreshold: opt(int32('Consecutive failures to count as failed. Defaults to 3.')),
});
export type Probe = Static<typeof ProbeSchema>;

const secretSource = obj('Where the credentials come from; only one member may be set.', {
  secret: opt(obj('A secret in the VMI namespace.', { secretName: str('Name of the secret.') })),
});
export const AccessCredentialSchema = obj('A credential to authorise remote access to the guest; only one member may be set.', {
  sshPublicKey: opt(
    obj('SSH public keys and how they reach the guest.', {
      source: secretSource,
      propagationMethod: obj('How the keys are injected; only one member may be set.', {
        configDrive: opt(empty('Through config drive cloud-init metadata.')),
        noCloud: opt(empty('Through NoCloud cloud-init metadata.')),
        qemuGuestAgent: opt(
          obj('At runtime through the QEMU guest agent.', {
            users: arr('Guest users whose authorized_keys receive the keys.', str('A user name.'), { 'x-kubernetes-list-type': 'set' }),
          }),
        ),
      }),
    }),
  ),
  userPassword: opt(
    obj('User passwords and how they reach the guest.', {
      source: secretSource,
      propagationMethod: obj('How the passwords are injected.', {
        qemuGuestAgent: opt(empty('At runtime through the QEMU guest agent.')),
      }),
    }),
  ),
});
export type AccessCredential = Static<typeof AccessCredentialSchema>;

export const EVICTION_STRATEGIES = ['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External'] as const;
export type EvictionStrategy = (typeof EVICTION_STRATEGIES)[number];
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
export const ARCHITECTURES = ['amd64', 'arm64', 's390x'] as const;

export const VirtualMachineInstanceSpecSchema = obj('Specification of a VirtualMachineInstance.', {
  priorityClassName: opt(str('Priority class of the launcher pod.')),
  domain: DomainSpecSchema,
  nodeSelector: opt(stringMap('Node labels that must match for the VMI to be scheduled on a node.')),
  affinity: opt(AffinitySchema),
  schedulerName: opt(str('Scheduler that dispatches the VMI; the default scheduler when empty.')),
  serviceAccountName: opt(str('Service account of the launcher pod (not exposed to the guest).')),
  tolerations: opt(arr('Tolerations of the VMI.', TolerationSchema)),
  topologySpreadConstraints: opt(
    arr('How VMIs spread across topology domains.', TopologySpreadConstraintSchema, {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'],
    }),
  ),
  evictionStrategy: opt(strEnum(EVICTION_STRATEGIES, 'On node drain: None, LiveMigrate, LiveMigrateIfPossible or External.')),
  startStrategy: opt(strEnum(['Paused'] as const, '"Paused" starts the VM paused.')),
  terminationGracePeriodSeconds: opt(int64('Seconds between the stop signal and forced termination.')),
  volumes: opt(arr('Volumes the VMI disks can use.', VolumeSchema, { maxItems: 256 })),
  livenessProbe: opt(ProbeSchema),
  readinessProbe: opt(ProbeSchema),
  hostname: opt(str('Hostname of the VMI; defaults to its name.')),
  subdomain: opt(str('Subdomain: the FQDN becomes <hostname>.<subdomain>.<namespace>.svc.<cluster domain>.')),
  networks: opt(arr('Networks the interfaces attach to.', NetworkSchema, { maxItems: 256 })),
  dnsPolicy: opt(strEnum(DNS_POLICIES, "DNS policy: 'ClusterFirstWithHostNet', 'ClusterFirst' (default), 'Default' or 'None'.")),
  dnsConfig: opt(PodDNSConfigSchema),
  accessCredentials: opt(
    arr('Credentials injected into the guest.', AccessCredentialSchema, { maxItems: 256, 'x-kubernetes-list-type': 'atomic' }),
  ),
  architecture: opt(str('Guest architecture (amd64, arm64, s390x); defaults to the cluster default.')),
  resourceClaims: opt(
    arr(
      'ResourceClaims allocated before the launcher pod starts (DRA, alpha).',
      obj('A resource claim of the VMI.', {
        name: str('Name of the claim inside the VMI; a DNS_LABEL.'),
        resourceClaimName: opt(str('Name of a ResourceClaim in the namespace.')),
        resourceClaimTemplateName: opt(str('Name of a ResourceClaimTemplate in the namespace.')),
      }),
      { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
  ),
  utilityVolumes: opt(
    arr('Utility PVCs mounted into the launcher pod.', UtilityVolumeSchema, {
      maxItems: 256,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
  ),
});
export type VirtualMachineInstanceSpec = Static<typeof VirtualMachineInstanceSpecSchema>;
