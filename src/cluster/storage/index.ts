// Local volumes for the embedded cluster: the provisioner/binder controller and its pure rules.
export { LocalVolumeController, defaultStorageClass, type LocalVolumeOptions } from './controller.js';
export { findMatchingVolume, mismatch, claimClass } from './matcher.js';
export { LOCAL_PROVISIONER, SELECTED_NODE_ANNOTATION, DEFAULT_CLASS_ANNOTATION, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './types.js';
