/**
 * OpenAPI documents of the built-in kinds, built from @kubernetes/client-node's generated models.
 */
export { builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, openApiV3Path, OPENAPI_INFO, type EncodedDocument } from './documents.js';
export { definitionName, modelForKind, type Schema } from './schemas.js';
