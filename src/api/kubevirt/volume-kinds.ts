/** The volume source kinds, in a module of their own so runtime code can use them without the schemas. */

/** The volume source kinds of a Volume, in upstream's field order. */
export const VOLUME_SOURCE_KINDS = [
  'hostDisk', 'persistentVolumeClaim', 'cloudInitNoCloud', 'cloudInitConfigDrive', 'sysprep', 'containerDisk', 'ephemeral',
  'emptyDisk', 'dataVolume', 'configMap', 'secret', 'downwardAPI', 'serviceAccount', 'downwardMetrics', 'memoryDump',
] as const;
