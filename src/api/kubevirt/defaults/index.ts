/** Pure defaulting of kubevirt.io objects, as virt-api's mutating webhook applies it, and the cluster config it reads. */
export * from './cluster-config.js';
export * from './resources.js';
export * from './devices.js';
export * from './presets.js';
export * from './limit-ranges.js';
export * from './vmi.js';
export * from './vm.js';
export * from './migration.js';
export * from './patch.js';
