/**
 * kubevirt.io/v1 group, version, label, annotation and finalizer names, spelled exactly as upstream
 * (staging/src/kubevirt.io/api/core/v1/types.go) so manifests and tools written for KubeVirt match.
 */

export const GROUP = 'kubevirt.io';
export const VERSION = 'v1';
export const API_VERSION = 'kubevirt.io/v1';
/** Older served version; objects stored as v1. */
export const API_VERSION_V1ALPHA3 = 'kubevirt.io/v1alpha3';
export const SUBRESOURCES_GROUP = 'subresources.kubevirt.io';

/** Default VMI terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;

// Labels
export const APP_LABEL = 'kubevirt.io';
export const CREATED_BY_LABEL = 'kubevirt.io/created-by';
export const NODE_NAME_LABEL = 'kubevirt.io/nodeName';
export const NODE_SCHEDULABLE_LABEL = 'kubevirt.io/schedulable';
export const MIGRATION_JOB_LABEL = 'kubevirt.io/migrationJobUID';
export const MIGRATION_NAME_LABEL = 'kubevirt.io/migrationName';
export const MIGRATION_TARGET_NODE_NAME_LABEL = 'kubevirt.io/migrationTargetNodeName';
export const MIGRATION_SELECTOR_LABEL = 'kubevirt.io/vmi-name';
export const OUTDATED_LAUNCHER_IMAGE_LABEL = 'kubevirt.io/outdatedLauncherImage';
export const VIRTUAL_MACHINE_LABEL = 'kubevirt.io/vm';
/** Launcher pod label carrying the VM/VMI name (deprecated upstream, still set). */
export const VM_NAME_LABEL = 'vm.kubevirt.io/name';
export const VMI_ID_LABEL = 'vmi.kubevirt.io/id';
export const CPU_MODEL_LABEL_PREFIX = 'cpu-model.node.kubevirt.io/';
export const CPU_FEATURE_LABEL_PREFIX = 'cpu-feature.node.kubevirt.io/';
export const SUPPORTED_MACHINE_TYPE_LABEL_PREFIX = 'machine-type.node.kubevirt.io/';
export const HOST_MODEL_CPU_LABEL_PREFIX = 'host-model-cpu.node.kubevirt.io/';
export const VM_ARCH_LABEL_PREFIX = 'kubevirt.io/vm-arch-';

// Annotations
export const DOMAIN_ANNOTATION = 'kubevirt.io/domain';
export const HEARTBEAT_ANNOTATION = 'kubevirt.io/heartbeat';
export const MIGRATION_JOB_NAME_ANNOTATION = 'kubevirt.io/migrationJobName';
export const LATEST_API_VERSION_ANNOTATION = 'kubevirt.io/latest-observed-api-version';
export const STORAGE_API_VERSION_ANNOTATION = 'kubevirt.io/storage-observed-api-version';
export const EVACUATION_MIGRATION_ANNOTATION = 'kubevirt.io/evacuationMigration';
export const WORKLOAD_UPDATE_MIGRATION_ANNOTATION = 'kubevirt.io/workloadUpdateMigration';
export const IGNITION_ANNOTATION = 'kubevirt.io/ignitiondata';
export const CREATE_MIGRATION_TARGET_ANNOTATION = 'kubevirt.io/create-migration-target';
export const KEEP_LAUNCHER_ALIVE_ANNOTATION = 'kubevirt.io/keep-launcher-alive-after-failure';
export const MEMORY_OVERHEAD_ANNOTATION = 'kubevirt.io/memory-overhead-bytes';
export const VM_GENERATION_ANNOTATION = 'kubevirt.io/vm-generation';
export const ALLOW_POD_BRIDGE_NETWORK_LIVE_MIGRATION_ANNOTATION = 'kubevirt.io/allow-pod-bridge-network-live-migration';
export const FREE_PAGE_REPORTING_DISABLED_ANNOTATION = 'kubevirt.io/free-page-reporting-disabled';
export const EVICTION_SOURCE_ANNOTATION = 'kubevirt.io/eviction-source';
export const INSTANCETYPE_ANNOTATION = 'kubevirt.io/instancetype-name';
export const CLUSTER_INSTANCETYPE_ANNOTATION = 'kubevirt.io/cluster-instancetype-name';
export const PREFERENCE_ANNOTATION = 'kubevirt.io/preference-name';
export const CLUSTER_PREFERENCE_ANNOTATION = 'kubevirt.io/cluster-preference-name';
export const IMMEDIATE_DATA_VOLUME_CREATION_ANNOTATION = 'kubevirt.io/immediate-data-volume-creation';
/** Prefix of the annotation recording each applied VirtualMachineInstancePreset: `virtualmachinepreset.kubevirt.io/<name>`. */
export const PRESET_ANNOTATION_PREFIX = 'virtualmachinepreset.kubevirt.io/';
/** Set on a VMI to skip preset application. */
export const PRESETS_IGNORE_ANNOTATION = 'presets.virtualmachines.kubevirt.io/exclude';
/** Launcher pod: the container `kubectl logs/exec` picks by default. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

// Finalizers
export const VMI_FINALIZER = 'kubevirt.io/foregroundDeleteVirtualMachine';
export const DEPRECATED_VMI_FINALIZER = 'foregroundDeleteVirtualMachine';
export const VM_CONTROLLER_FINALIZER = 'kubevirt.io/virtualMachineControllerFinalize';
export const MIGRATION_FINALIZER = 'kubevirt.io/migrationJobFinalize';
export const VIRT_OPERATOR_FINALIZER = 'kubevirt.io/virtOperatorFinalizer';

// Pod conditions and device resources
/** Readiness gate on launcher pods, false while the guest is paused. */
export const VIRTUAL_MACHINE_UNPAUSED_CONDITION = 'kubevirt.io/virtual-machine-unpaused';
export const KVM_DEVICE = 'devices.kubevirt.io/kvm';
export const TUN_DEVICE = 'devices.kubevirt.io/tun';
export const VHOST_NET_DEVICE = 'devices.kubevirt.io/vhost-net';

// Ready-condition reasons
export const POD_TERMINATING_REASON = 'PodTerminating';
export const POD_NOT_EXISTS_REASON = 'PodNotExists';
export const POD_CONDITION_MISSING_REASON = 'PodConditionMissing';
export const GUEST_NOT_RUNNING_REASON = 'GuestNotRunning';

/** CPU modes that are not named models. */
export const CPU_MODE_HOST_PASSTHROUGH = 'host-passthrough';
export const CPU_MODE_HOST_MODEL = 'host-model';
export const DEFAULT_CPU_MODEL = CPU_MODE_HOST_MODEL;
