export * from './types.js';
export * from './field.js';
export * from './status.js';
export * from './label-selector.js';
export * from './json.js';
