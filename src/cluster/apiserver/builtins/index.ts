/**
 * Built-in kinds of the embedded API server: what the server core calls for every resource that
 * is not a CRD.
 *
 * - `builtinResources`, `findBuiltin(group, version, plural)`, `findBuiltinByKind(group, version, kind)`:
 *   the catalogue (discovery names, scope, verbs, subresources, field selectors, generation).
 */
export { builtinResources, findBuiltin, findBuiltinByKind, apiVersionOf, builtinGroupVersions } from './catalogue.js';
