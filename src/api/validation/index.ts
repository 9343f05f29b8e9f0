/** virt-api's validation rules, pure: each returns the FieldErrors (upstream causes) of one kind's admission. */
export * from './cause.js';
export * from './vmi.js';
export * from './vm.js';
export * from './replicaset.js';
export * from './migration.js';
export * from './preset.js';
