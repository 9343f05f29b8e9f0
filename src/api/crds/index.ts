/** kubevirt.io CRDs built from the TypeBox types: objects to register, YAML rendering, and a schema shape check. */
export * from './definitions.js';
export * from './openapi.js';
export * from './render.js';
export * from './schema-check.js';
