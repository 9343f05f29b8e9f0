/**
 * The one place the server core meets the pluggable modules: builtins, selectors, patches, CRDs,
 * RBAC, authentication and admission. Add a module here when it lands; nothing else changes.
 */
import {
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  builtinHooks,
  builtinOpenApiV2,
  builtinOpenApiV3Documents,
  builtinResources,
  openApiV2Protobuf,
} from './builtins/index.js';
import { crds } from './crd/index.js';
import { withSharedEventStorage } from './events/index.js';
import type { KubeObject } from '../../api/meta/index.js';
import type { ApiModules } from './modules.js';
import { patches } from './patch/index.js';
import { rbac } from './rbac/index.js';
import type { ServedResource } from './registry/registry.js';
import { selectors } from './selectors/index.js';

/** Every module available in this build. */
export function defaultModules(now: () => Date = () => new Date()): ApiModules {
  const builtins: ServedResource[] = builtinResources.map((info) => {
    const hooks = builtinHooks(info, () => now().getTime());
    if (info.group !== 'apiextensions.k8s.io' || info.plural !== 'customresourcedefinitions') return { info, storageVersion: info.version, hooks };
    // CRD specs are validated by the CRD module (names, versions, structural schemas).
    const validate = (o: KubeObject, old: KubeObject | undefined) => [...hooks.validate(o, old), ...crds.validateCrd(o, old)];
    return { info, storageVersion: info.version, hooks: { ...hooks, validate } };
  });
  return {
    builtins: withSharedEventStorage(builtins),
    builtinOpenAPI: builtinOpenApiV3Documents,
    openapiV2: {
      document: () => builtinOpenApiV2(),
      protobufAccept: OPENAPI_V2_PROTOBUF,
      protobufContentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
      toProtobuf: openApiV2Protobuf,
    },
    selectors,
    patches,
    crds,
    rbac,
  };
}
