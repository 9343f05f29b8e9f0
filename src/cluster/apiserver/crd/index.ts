/**
 * CustomResourceDefinitions for the embedded API server: CRD validation, compilation of each
 * version (resource info, pruning, defaulting, schema validation, OpenAPI), and printer columns.
 */
import type { CrdModule } from '../contracts.js';
import { compileCrd } from './compile.js';
import { validateCrd } from './validate-crd.js';

export { compileCrd, defaultAgeColumn } from './compile.js';
export { validateCrd } from './validate-crd.js';
export { compileJSONPath } from './jsonpath.js';
export { cellFor, columnCell, tableCells, tableColumns } from './printer.js';
export { definitionName, objectMetaRef } from './openapi.js';
export { applyScale, scaleOf, type Scale } from './scale.js';
export { computeCrdStatus, type CrdStatus, type CrdCondition } from './status.js';
export type { JSONSchemaProps } from './schema.js';

/** The CrdModule the server core wires in. */
export const crds: CrdModule = { validateCrd, compile: compileCrd };
