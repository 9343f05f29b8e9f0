/**
 * The cluster configuration virt-api and the controllers act on: the KubeVirt CR's
 * `spec.configuration` laid over upstream's defaults (pkg/virt-config), objects merged field by
 * field and lists replaced, as upstream decodes the CR onto its default config.
 */
import type { KubeVirt } from '../kubevirt-cr.js';
import type { KubeVirtConfiguration } from '../kubevirt-config.js';
import type { EvictionStrategy } from '../vmi-spec.js';
import type { Quantity } from '../schema.js';
import type { PullPolicy } from '../core.js';
import { compareQuantities } from '../quantity.js';

export type Architecture = 'amd64' | 'arm64' | 's390x' | 'ppc64le';

export interface ArchDefaults {
  readonly machineType: string;
  readonly emulatedMachines: readonly string[];
  readonly ovmfPath: string;
}

/** Everything defaulting and validation read from the cluster configuration. */
export interface ClusterConfig {
  readonly featureGates: readonly string[];
  readonly disabledFeatureGates: readonly string[];
  readonly useEmulation: boolean;
  readonly defaultArchitecture: Architecture;
  readonly architectures: Readonly<Record<Architecture, ArchDefaults>>;
  /** Cluster default CPU model; '' leaves VMIs on host-model. */
  readonly cpuModel: string;
  readonly cpuRequest: Quantity;
  readonly memoryOvercommit: number;
  readonly cpuAllocationRatio: number;
  readonly defaultNetworkInterface: string;
  readonly permitBridgeInterfaceOnPodNetwork: boolean;
  readonly permitSlirpInterface: boolean;
  readonly evictionStrategy?: EvictionStrategy;
  readonly imagePullPolicy: PullPolicy;
  readonly memBalloonStatsPeriod: number;
  readonly vmRolloutStrategy: 'Stage' | 'LiveUpdate';
  readonly liveUpdate: { readonly maxHotplugRatio: number; readonly maxCpuSockets?: number; readonly maxGuest?: Quantity };
  readonly minimumReservePVCBytes: number;
  readonly lessPVCSpaceToleration: number;
  readonly smbios: { readonly manufacturer: string; readonly product: string; readonly family: string; readonly version?: string; readonly sku?: string };
  readonly migrations: {
    readonly parallelMigrationsPerCluster: number;
    readonly parallelOutboundMigrationsPerNode: number;
    readonly bandwidthPerMigration: Quantity;
    readonly completionTimeoutPerGiB: number;
    readonly progressTimeout: number;
    readonly allowAutoConverge: boolean;
    readonly allowPostCopy: boolean;
    readonly unsafeMigrationOverride: boolean;
    readonly nodeDrainTaintKey: string;
  };
  /** The merged configuration, for fields not modelled above. */
  readonly raw: KubeVirtConfiguration;
}

/** Upstream's default CPU request of a VMI's launcher (pkg/virt-config). */
export const DEFAULT_CPU_REQUEST = '100m';

/** Upstream's built-in configuration (pkg/virt-config/defaults.go), the base every CR is laid over. */
export const DEFAULT_KUBEVIRT_CONFIGURATION: KubeVirtConfiguration = {
  cpuRequest: DEFAULT_CPU_REQUEST,
  developerConfiguration: {
    featureGates: [],
    memoryOvercommit: 100,
    cpuAllocationRatio: 10,
    pvcTolerateLessSpaceUpToPercent: 10,
    minimumReservePVCBytes: 131072,
    useEmulation: false,
  },
  imagePullPolicy: 'IfNotPresent',
  migrations: {
    parallelMigrationsPerCluster: 5,
    parallelOutboundMigrationsPerNode: 2,
    bandwidthPerMigration: '0Mi',
    completionTimeoutPerGiB: 150,
    progressTimeout: 150,
    allowAutoConverge: false,
    allowPostCopy: false,
    unsafeMigrationOverride: false,
    nodeDrainTaintKey: 'kubevirt.io/drain',
  },
  // kubevirt-ts: masquerade, not upstream's bridge, is the pod network default (docs/DESIGN: pods
  // run as local processes; bridge would hand the pod's own address to the guest).
  network: { defaultNetworkInterface: 'masquerade', permitBridgeInterfaceOnPodNetwork: true, permitSlirpInterface: false },
  architectureConfiguration: {
    defaultArchitecture: 'amd64',
    amd64: { machineType: 'q35', emulatedMachines: ['q35*', 'pc-q35*'], ovmfPath: '/usr/share/OVMF' },
    arm64: { machineType: 'virt', emulatedMachines: ['virt*'], ovmfPath: '/usr/share/AAVMF' },
    s390x: { machineType: 's390-ccw-virtio', emulatedMachines: ['s390-ccw-virtio*'], ovmfPath: '' },
    ppc64le: { machineType: 'pseries', emulatedMachines: ['pseries*'], ovmfPath: '/usr/share/OVMF' },
  },
  smbios: { manufacturer: 'KubeVirt', product: 'None', family: 'KubeVirt' },
  memBalloonStatsPeriod: 10,
  vmRolloutStrategy: 'LiveUpdate',
  liveUpdateConfiguration: { maxHotplugRatio: 4 },
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lays `over` onto `base`: objects merge key by key, anything else (lists included) replaces. */
export function overlay<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined || v === null) continue;
    out[k] = overlay(out[k], v);
  }
  return out as T;
}

const ARCHS: readonly Architecture[] = ['amd64', 'arm64', 's390x', 'ppc64le'];

/** The ClusterConfig of a KubeVirt CR (or upstream's defaults when there is none). */
export function clusterConfigFromKubeVirt(kv?: Pick<KubeVirt, 'spec'> | null): ClusterConfig {
  return clusterConfigFrom(kv?.spec?.configuration);
}

/** The ClusterConfig of a KubeVirt `spec.configuration`. */
export function clusterConfigFrom(configuration: KubeVirtConfiguration | undefined): ClusterConfig {
  const raw = overlay(DEFAULT_KUBEVIRT_CONFIGURATION, configuration ?? {});
  const dev = raw.developerConfiguration ?? {};
  const arch = raw.architectureConfiguration ?? {};
  const archDefaults = DEFAULT_KUBEVIRT_CONFIGURATION.architectureConfiguration!;
  const architectures = {} as Record<Architecture, ArchDefaults>;
  for (const a of ARCHS) {
    const d = archDefaults[a]!;
    const c = arch[a] ?? {};
    // The deprecated top-level machineType/emulatedMachines/ovmfPath still override the default architecture's.
    const legacy = a === (arch.defaultArchitecture ?? 'amd64');
    architectures[a] = {
      machineType: (legacy && configuration?.machineType) || c.machineType || d.machineType!,
      emulatedMachines: (legacy && configuration?.emulatedMachines) || c.emulatedMachines || d.emulatedMachines!,
      ovmfPath: (legacy && configuration?.ovmfPath) || c.ovmfPath || d.ovmfPath!,
    };
  }
  const mig = raw.migrations ?? {};
  const smbios = raw.smbios ?? {};
  return {
    featureGates: dev.featureGates ?? [],
    disabledFeatureGates: dev.disabledFeatureGates ?? [],
    useEmulation: dev.useEmulation ?? false,
    defaultArchitecture: (ARCHS as readonly string[]).includes(arch.defaultArchitecture ?? '') ? (arch.defaultArchitecture as Architecture) : 'amd64',
    architectures,
    cpuModel: raw.cpuModel ?? '',
    cpuRequest: raw.cpuRequest ?? DEFAULT_CPU_REQUEST,
    memoryOvercommit: dev.memoryOvercommit ?? 100,
    cpuAllocationRatio: dev.cpuAllocationRatio ?? 10,
    defaultNetworkInterface: raw.network?.defaultNetworkInterface ?? 'masquerade',
    permitBridgeInterfaceOnPodNetwork: raw.network?.permitBridgeInterfaceOnPodNetwork ?? true,
    permitSlirpInterface: raw.network?.permitSlirpInterface ?? false,
    ...(raw.evictionStrategy ? { evictionStrategy: raw.evictionStrategy } : {}),
    imagePullPolicy: raw.imagePullPolicy ?? 'IfNotPresent',
    memBalloonStatsPeriod: raw.memBalloonStatsPeriod ?? 10,
    vmRolloutStrategy: raw.vmRolloutStrategy === 'Stage' ? 'Stage' : 'LiveUpdate',
    liveUpdate: {
      maxHotplugRatio: raw.liveUpdateConfiguration?.maxHotplugRatio ?? 4,
      ...(raw.liveUpdateConfiguration?.maxCpuSockets !== undefined ? { maxCpuSockets: raw.liveUpdateConfiguration.maxCpuSockets } : {}),
      ...(raw.liveUpdateConfiguration?.maxGuest !== undefined ? { maxGuest: raw.liveUpdateConfiguration.maxGuest } : {}),
    },
    minimumReservePVCBytes: dev.minimumReservePVCBytes ?? 131072,
    lessPVCSpaceToleration: dev.pvcTolerateLessSpaceUpToPercent ?? 10,
    smbios: {
      manufacturer: smbios.manufacturer ?? 'KubeVirt',
      product: smbios.product ?? 'None',
      family: smbios.family ?? 'KubeVirt',
      ...(smbios.version ? { version: smbios.version } : {}),
      ...(smbios.sku ? { sku: smbios.sku } : {}),
    },
    migrations: {
      parallelMigrationsPerCluster: mig.parallelMigrationsPerCluster ?? 5,
      parallelOutboundMigrationsPerNode: mig.parallelOutboundMigrationsPerNode ?? 2,
      bandwidthPerMigration: mig.bandwidthPerMigration ?? '0Mi',
      completionTimeoutPerGiB: mig.completionTimeoutPerGiB ?? 150,
      progressTimeout: mig.progressTimeout ?? 150,
      allowAutoConverge: mig.allowAutoConverge ?? false,
      allowPostCopy: mig.allowPostCopy ?? false,
      unsafeMigrationOverride: mig.unsafeMigrationOverride ?? false,
      nodeDrainTaintKey: mig.nodeDrainTaintKey ?? 'kubevirt.io/drain',
    },
    raw,
  };
}

/** Upstream's default configuration, for callers without a KubeVirt CR. */
export const DEFAULT_CLUSTER_CONFIG: ClusterConfig = clusterConfigFrom(undefined);

/** Feature gates that are GA upstream and always on, whatever the CR lists. */
export const GA_FEATURE_GATES: readonly string[] = ['LiveMigration', 'SRIOVLiveMigration', 'NonRoot', 'PSA', 'CPUNodeDiscovery'];

/** True when `gate` is enabled: listed in featureGates (and not in disabledFeatureGates), or GA. */
export function isFeatureGateEnabled(config: ClusterConfig, gate: string): boolean {
  if (GA_FEATURE_GATES.includes(gate)) return true;
  if (config.disabledFeatureGates.includes(gate)) return false;
  return config.featureGates.includes(gate);
}

/** The machine type VMIs of `arch` default to. */
export function machineTypeFor(config: ClusterConfig, arch: string | undefined): string {
  const a = (ARCHS as readonly string[]).includes(arch ?? '') ? (arch as Architecture) : config.defaultArchitecture;
  return config.architectures[a].machineType;
}

/** True when the cluster cpuRequest differs from upstream's default (only then is it copied into VMIs). */
export const hasCustomCPURequest = (config: ClusterConfig): boolean => compareQuantities(config.cpuRequest, DEFAULT_CPU_REQUEST) !== 0;
