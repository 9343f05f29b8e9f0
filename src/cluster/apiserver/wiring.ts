/**
 * The one place the server core meets the pluggable modules: builtins, selectors, patches, CRDs,
 * RBAC, authentication and admission. Add a module here when it lands; nothing else changes.
 */
import { builtinResources, defaultBuiltin } from './builtins/index.js';
import type { ResourceInfo } from './contracts.js';
import type { ApiModules } from './modules.js';
import { rbac } from './rbac/index.js';
import type { ServedResource } from './registry/registry.js';
import { selectors } from './selectors/index.js';

/** A built-in resource with the built-ins module's hooks. */
function servedBuiltin(info: ResourceInfo): ServedResource {
  return {
    info,
    storageVersion: info.version,
    hooks: {
      defaults: (o) => defaultBuiltin(info, o),
    },
  };
}

/** Every module available in this build. */
export function defaultModules(): ApiModules {
  return {
    builtins: builtinResources.map(servedBuiltin),
    selectors,
    rbac,
  };
}
