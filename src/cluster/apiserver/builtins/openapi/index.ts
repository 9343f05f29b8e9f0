/**
 * OpenAPI documents of the built-in kinds, built from @kubernetes/client-node's generated models.
 */
export { builtinOpenApiV2, builtinOpenApiV3, builtinOpenApiV3Paths, encodeDocument, openApiV3Path, OPENAPI_INFO, type EncodedDocument } from './documents.js';
export { definitionName, modelForKind, type Schema } from './schemas.js';
export { encodeOpenApiV2Protobuf, openApiV2Protobuf, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './protobuf.js';
