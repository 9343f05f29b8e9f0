/**
 * CustomResourceDefinitions for the embedded API server: CRD validation, compilation of each
 * version (resource info, pruning, defaulting, schema validation, OpenAPI), and printer columns.
 *
 * Order kube-apiserver follows, and the core should too:
 * - CRD write: validateCrd(crd, old) -> store -> computeCrdStatus(crd, allCrds, now) -> compile(crd)
 *   and serve the served versions once Established is True.
 * - Custom object write: unknownFieldPaths(obj) (fieldValidation=Strict: 400 `strict decoding
 *   error: unknown field "spec.x"`; Warn: warnings) -> pruneAndDefault(obj) -> validate(obj)
 *   (422 via invalidObject) -> store. Reads apply pruneAndDefault too (defaults of the storage version).
 * - Tables: tableColumns(version.printerColumns) / tableCells(...); `date` cells are timestamps to
 *   render as ages. Scale: scaleOf / applyScale with version.scale.
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
