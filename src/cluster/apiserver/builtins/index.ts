/**
 * Built-in kinds of the embedded API server: what the server core calls for every resource that
 * is not a CRD.
 *
 * - `builtinResources`, `findBuiltin(group, version, plural)`, `findBuiltinByKind(group, version, kind)`:
 *   the catalogue (discovery names, scope, verbs, subresources, field selectors, generation).
 * - `defaultBuiltin(info, obj)`: create-time defaults, in place, after metadata (name, uid) is set.
 *   Includes what the defaulting admission plugins add to pods (serviceAccountName, priority,
 *   not-ready/unreachable tolerations) and the initial status strategies set (pod Pending + qosClass,
 *   namespace Active, PV/PVC Pending). Idempotent, so calling it on updates as well is harmless.
 */
export { builtinResources, findBuiltin, findBuiltinByKind, apiVersionOf, builtinGroupVersions } from './catalogue.js';
export { defaultBuiltin } from './defaults/index.js';
