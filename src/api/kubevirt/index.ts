/** kubevirt.io/v1 API: types, schemas and names. Import from here. */
export * from './constants.js';
export * from './schema.js';
export * from './core.js';
export * from './domain.js';
export * from './disks.js';
export * from './interfaces.js';
export * from './devices.js';
export * from './volumes.js';
export * from './vmi-spec.js';
export * from './vmi-status.js';
export * from './vmi.js';
export * from './vm.js';
export * from './replicaset.js';
export * from './migration.js';
export * from './preset.js';
export * from './kubevirt-config.js';
export * from './kubevirt-cr.js';
