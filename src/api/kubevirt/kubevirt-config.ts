/** KubeVirt CR `spec.configuration`: cluster-wide settings (feature gates, emulation, machine types, network, migrations...). */
import type { Static } from '@sinclair/typebox';
import { arr, bool, empty, int32, int64, mapOf, num, obj, opt, quantity, resourceList, str, strEnum, stringMap, strList } from './schema.js';
import { LabelSelectorSchema, PULL_POLICIES } from './core.js';
import { EVICTION_STRATEGIES } from './vmi-spec.js';

export const DeveloperConfigurationSchema = obj('Developer options.', {
  featureGates: opt(strList('Experimental feature gates to enable. Defaults to none.', { 'x-kubernetes-list-type': 'atomic' })),
  disabledFeatureGates: opt(strList('Feature gates to disable.', { 'x-kubernetes-list-type': 'atomic' })),
  pvcTolerateLessSpaceUpToPercent: opt(int32('How much smaller (percent) a disk PVC may be than requested. Defaults to 10.')),
  minimumReservePVCBytes: opt(int64('Bytes left unused on disks. Defaults to 131072.', { minimum: 0 })),
  memoryOvercommit: opt(int32('Guest memory as a percentage of the launcher memory request. Defaults to 100.', { minimum: 10 })),
  nodeSelectors: opt(stringMap('Restrict VMIs to nodes with these labels.')),
  useEmulation: opt(bool('Fall back to software emulation when KVM is unavailable. Defaults to false.')),
  cpuAllocationRatio: opt(int32('vCPUs per requested physical CPU. Defaults to 10.')),
  minimumClusterTSCFrequency: opt(int64('Minimum TSC frequency of the cluster.')),
  diskVerification: opt(obj('Limits of containerDisk verification.', { memoryLimit: quantity('Memory limit of the verification.') })),
  logVerbosity: opt(
    obj('Log verbosity per component.', {
      virtAPI: opt(int32('virt-api verbosity.', { minimum: 0 })),
      virtController: opt(int32('virt-controller verbosity.', { minimum: 0 })),
      virtHandler: opt(int32('virt-handler verbosity.', { minimum: 0 })),
      virtLauncher: opt(int32('virt-launcher verbosity.', { minimum: 0 })),
      virtOperator: opt(int32('virt-operator verbosity.', { minimum: 0 })),
      virtSynchronizationController: opt(int32('Synchronization controller verbosity.', { minimum: 0 })),
      nodeVerbosity: opt(mapOf('Verbosity per node name.', int32('Verbosity.', { minimum: 0 }))),
    }),
  ),
  clusterProfiler: opt(bool('Allow pprof profiling of the control plane.')),
});
export type DeveloperConfiguration = Static<typeof DeveloperConfigurationSchema>;

const migrationFields = {
  nodeDrainTaintKey: opt(str('Taint key marking a node for draining. Default: kubevirt.io/drain.')),
  parallelOutboundMigrationsPerNode: opt(int64('Concurrent outgoing migrations per node. Defaults to 2.', { minimum: 0 })),
  parallelMigrationsPerCluster: opt(int64('Concurrent migrations in the cluster. Defaults to 5.', { minimum: 0 })),
  allowAutoConverge: opt(bool('Allow throttling the guest so migrations converge. Defaults to false.')),
  bandwidthPerMigration: opt(quantity('Bandwidth per migration, per second. Defaults to 0 (no limit).')),
  completionTimeoutPerGiB: opt(int64('Maximum seconds per GiB a migration may take. Defaults to 150.')),
  maxDowntimeMs: opt(int64('Maximum tolerable switchover downtime in ms. Defaults to 900.', { minimum: 1, maximum: 2000000 })),
  progressTimeout: opt(int64('Seconds without progress before a migration is cancelled. Defaults to 150.')),
  utilityVolumesTimeout: opt(int64('Seconds a migration waits for utility volumes to detach. Defaults to 150.')),
  unsafeMigrationOverride: opt(bool('Migrate even when unsafe for the guest. Defaults to false.')),
  allowPostCopy: opt(bool('Allow post-copy migrations. Defaults to false.')),
  allowWorkloadDisruption: opt(bool('Switch to post-copy or pause instead of cancelling a slow migration.')),
  disableTLS: opt(bool('Disable TLS on the migration proxy. Defaults to false.')),
  network: opt(str('CNI network used for migrations; the pod network by default.')),
  matchSELinuxLevelOnMigration: opt(bool('Let the target pod get its own SELinux level.')),
};
export const MigrationConfigurationSchema = obj('Migration options; migration policies can override them.', {
  ...migrationFields,
  crossClusterNetwork: opt(str('CNI network for synchronization-controller peer traffic.')),
  decentralizedLiveMigrationDatapath: opt(strEnum(['Direct', 'Proxy'] as const, 'Direct (default) or Proxy.', true)),
});
export type MigrationConfiguration = Static<typeof MigrationConfigurationSchema>;

export const NetworkConfigurationSchema = obj('Network options.', {
  defaultNetworkInterface: opt(str('Binding of the default pod interface: bridge or masquerade.')),
  permitSlirpInterface: opt(bool('Deprecated: removed in v1.3.')),
  permitBridgeInterfaceOnPodNetwork: opt(bool('Allow bridge binding on the pod network. Defaults to true.')),
  binding: opt(
    mapOf(
      'Network binding plugins by name.',
      obj('A network binding plugin.', {
        sidecarImage: opt(str('Sidecar image running in the launcher pod.')),
        networkAttachmentDefinition: opt(str('NetworkAttachmentDefinition: <name> or <namespace>/<name>.')),
        domainAttachmentType: opt(strEnum(['tap', 'managedTap'] as const, 'tap or managedTap.')),
        migration: opt(obj('Migration support.', { method: opt(str('e.g. link-refresh.')) })),
        downwardAPI: opt(strEnum(['device-info'] as const, 'Data exposed to the sidecar.')),
        computeResourceOverhead: opt(
          obj('Extra compute resources for the binding.', { limits: opt(resourceList('Limits.')), requests: opt(resourceList('Requests.')) }),
        ),
      }),
    ),
  ),
});

export const ArchSpecificConfigurationSchema = obj('Settings for one architecture.', {
  ovmfPath: opt(str('Directory of the OVMF firmware.')),
  emulatedMachines: opt(strList('Allowed machine types (globs).', { 'x-kubernetes-list-type': 'atomic' })),
  machineType: opt(str('Default machine type.')),
});
export const ArchConfigurationSchema = obj('Per-architecture settings.', {
  amd64: opt(ArchSpecificConfigurationSchema),
  arm64: opt(ArchSpecificConfigurationSchema),
  ppc64le: opt(ArchSpecificConfigurationSchema),
  s390x: opt(ArchSpecificConfigurationSchema),
  defaultArchitecture: opt(str('Architecture of VMIs that name none.')),
});
export type ArchConfiguration = Static<typeof ArchConfigurationSchema>;

const externalProvider = opt(bool('Leave allocation and monitoring to an external device plugin.'));
export const PermittedHostDevicesSchema = obj('Host devices allowed for passthrough.', {
  pciHostDevices: opt(
    arr(
      'PCI devices.',
      obj('A PCI host device.', {
        pciVendorSelector: str('vendor_id:product_id of the device.'),
        resourceName: str('Resource name the device plugin exposes, e.g. vendor.com/product.'),
        externalResourceProvider: externalProvider,
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  mediatedDevices: opt(
    arr(
      'Mediated devices.',
      obj('A mediated host device.', {
        mdevNameSelector: str('Name of the mediated device type.'),
        resourceName: str('Resource name the device plugin exposes.'),
        externalResourceProvider: externalProvider,
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  usb: opt(
    arr(
      'USB devices.',
      obj('A USB host device.', {
        resourceName: str('Resource name of the USB devices, e.g. kubevirt.io/storage.'),
        selectors: opt(
          arr('Vendor and product of the devices.', obj('A USB selector.', { vendor: str('Vendor id.'), product: str('Product id.') }), {
            'x-kubernetes-list-type': 'atomic',
          }),
        ),
        externalResourceProvider: externalProvider,
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
});

export const MediatedDevicesConfigurationSchema = obj('Mediated device types to create.', {
  mediatedDevicesTypes: opt(strList('Deprecated: use mediatedDeviceTypes.', { 'x-kubernetes-list-type': 'atomic' })),
  mediatedDeviceTypes: opt(strList('Mediated device types.', { 'x-kubernetes-list-type': 'atomic' })),
  nodeMediatedDeviceTypes: opt(
    arr(
      'Types per node selector.',
      obj('Mediated device types for matching nodes.', {
        nodeSelector: stringMap('Nodes the types apply to.'),
        mediatedDevicesTypes: opt(strList('Deprecated: use mediatedDeviceTypes.', { 'x-kubernetes-list-type': 'atomic' })),
        mediatedDeviceTypes: opt(strList('Mediated device types.', { 'x-kubernetes-list-type': 'atomic' })),
      }),
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  ),
  enabled: opt(bool('Let virt-handler create and remove mediated devices. Defaults to true.')),
});

const reloadable = obj('Reloadable client settings.', {
  restClient: opt(
    obj('REST client tuning.', {
      rateLimiter: opt(
        obj('Rate limiter.', {
          tokenBucketRateLimiter: opt(obj('Token bucket.', { qps: num('Queries per second.'), burst: int32('Burst.') })),
        }),
      ),
    }),
  ),
});

export const KubeVirtConfigurationSchema = obj('Cluster-wide KubeVirt configuration.', {
  cpuModel: opt(str('Default CPU model of VMIs.')),
  cpuRequest: opt(quantity('CPU request of VMIs that set none. Defaults to 100m.')),
  developerConfiguration: opt(DeveloperConfigurationSchema),
  emulatedMachines: opt(strList('Deprecated: use architectureConfiguration.')),
  imagePullPolicy: opt(strEnum(PULL_POLICIES, 'Pull policy of workload pods.')),
  migrations: opt(MigrationConfigurationSchema),
  machineType: opt(str('Deprecated: use architectureConfiguration.')),
  network: opt(NetworkConfigurationSchema),
  ovmfPath: opt(str('Deprecated: use architectureConfiguration.')),
  selinuxLauncherType: opt(str('SELinux type of launcher pods.')),
  defaultRuntimeClass: opt(str('Runtime class of launcher pods.')),
  smbios: opt(
    obj('Default SMBIOS values.', {
      manufacturer: opt(str('Manufacturer.')),
      product: opt(str('Product.')),
      version: opt(str('Version.')),
      sku: opt(str('SKU.')),
      family: opt(str('Family.')),
    }),
  ),
  architectureConfiguration: opt(ArchConfigurationSchema),
  evictionStrategy: opt(strEnum(EVICTION_STRATEGIES, 'Cluster default eviction strategy.')),
  additionalGuestMemoryOverheadRatio: opt(str('Factor increasing the computed memory overhead. Defaults to 1.')),
  supportContainerResources: opt(
    arr(
      'Resources of support containers.',
      obj('Resources of one support container type.', {
        type: strEnum(['hotplug-disk', 'container-disk', 'virtiofs', 'sidecar', 'vmexport', 'guest-console-log'] as const, 'Container type.'),
        resources: obj('Resources.', { limits: opt(resourceList('Limits.')), requests: opt(resourceList('Requests.')) }),
      }),
      { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
    ),
  ),
  supportedGuestAgentVersions: opt(strList('Deprecated.')),
  memBalloonStatsPeriod: opt(int64('Balloon statistics period in seconds.', { minimum: 0 })),
  permittedHostDevices: opt(PermittedHostDevicesSchema),
  mediatedDevicesConfiguration: opt(MediatedDevicesConfigurationSchema),
  minCPUModel: opt(str('Deprecated.')),
  obsoleteCPUModels: opt(mapOf('CPU models not to use.', bool('Obsolete.'))),
  virtualMachineInstancesPerNode: opt(int32('Maximum VMIs per node.')),
  apiConfiguration: opt(reloadable),
  webhookConfiguration: opt(reloadable),
  controllerConfiguration: opt(reloadable),
  handlerConfiguration: opt(reloadable),
  tlsConfiguration: opt(
    obj('TLS options.', {
      minTLSVersion: opt(strEnum(['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'] as const, 'Minimum TLS version.', true)),
      ciphers: opt(strList('Allowed ciphers.', { 'x-kubernetes-list-type': 'set' })),
    }),
  ),
  seccompConfiguration: opt(
    obj('Seccomp settings.', {
      virtualMachineInstanceProfile: opt(
        obj('Profile of virt-launcher; none by default.', {
          customProfile: opt(
            obj('A custom profile.', {
              localhostProfile: opt(str('Path of a profile on the node.')),
              runtimeDefaultProfile: opt(bool('Use the runtime default profile.')),
            }),
          ),
        }),
      ),
    }),
  ),
  vmStateStorageClass: opt(str('Storage class of PVCs keeping VM state such as the TPM.')),
  virtualMachineOptions: opt(
    obj('Cluster-level VM options.', {
      disableFreePageReporting: opt(empty('Disable free page reporting of the balloon.')),
      disableSerialConsoleLog: opt(empty('Do not log the serial console by default.')),
    }),
  ),
  ksmConfiguration: opt(obj('KSM settings.', { nodeLabelSelector: opt(LabelSelectorSchema) })),
  autoCPULimitNamespaceLabelSelector: opt(LabelSelectorSchema),
  liveUpdateConfiguration: opt(
    obj('Live update defaults.', {
      maxHotplugRatio: opt(int64('Ratio bounding hotpluggable resources. Defaults to 4.', { minimum: 0 })),
      maxCpuSockets: opt(int64('Default maximum CPU sockets.', { minimum: 0 })),
      maxGuest: opt(quantity('Maximum hotpluggable guest memory.')),
    }),
  ),
  vmRolloutStrategy: opt(strEnum(['Stage', 'LiveUpdate'] as const, 'How VM changes reach the VMI: Stage or LiveUpdate.', true)),
  commonInstancetypesDeployment: opt(obj('Common instancetypes deployment.', { enabled: opt(bool('Enabled.')) }, { nullable: true })),
  virtTemplateDeployment: opt(obj('virt-template deployment.', { enabled: opt(bool('Enabled.')) }, { nullable: true })),
  instancetype: opt(
    obj('Instancetype settings.', {
      referencePolicy: opt(strEnum(['reference', 'expand', 'expandAll'] as const, 'How instancetypes are referenced.', true)),
    }, { nullable: true }),
  ),
  hypervisors: opt(
    arr('Hypervisors of the cluster.', obj('A hypervisor.', { name: opt(strEnum(['kvm', 'hyperv-direct'] as const, 'kvm or hyperv-direct.', true)) }), {
      maxItems: 1,
      'x-kubernetes-list-type': 'atomic',
    }),
  ),
  changedBlockTrackingLabelSelectors: opt(
    obj('Selectors enabling changed block tracking.', {
      namespaceLabelSelector: opt(LabelSelectorSchema),
      virtualMachineLabelSelector: opt(LabelSelectorSchema),
    }, { nullable: true }),
  ),
  persistentReservationConfiguration: opt(obj('SCSI persistent reservation support.', { enabled: opt(bool('Enabled.')) }, { nullable: true })),
  confidentialCompute: opt(
    obj('Confidential computing settings.', {
      tdx: opt(
        obj('Intel TDX settings.', {
          attestation: opt(
            obj('TDX attestation through the Quote Generation Service.', {
              enforced: opt(bool('Schedule TDX VMs only where QGS runs. Defaults to false.')),
              qgsSocketPath: opt(str('Socket of the Quote Generation Service. Defaults to /var/run/tdx-qgs/qgs.socket.')),
            }),
          ),
        }, { nullable: true }),
      ),
    }, { nullable: true }),
  ),
  roleAggregationStrategy: opt(strEnum(['AggregateToDefault', 'Manual'] as const, 'Whether KubeVirt roles aggregate into admin/edit/view.', true)),
});
export type KubeVirtConfiguration = Static<typeof KubeVirtConfigurationSchema>;

