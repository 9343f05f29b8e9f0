/**
 * GET without a parse and a serialisation: when an object's stored JSON begins with the apiVersion
 * and kind it is served as (same version, no shared storage), that text is already its served JSON.
 */
import { apiVersionOf, type ServedResource } from '../registry/registry.js';

/** Per served resource: the JSON prefix of its stored objects that are served unchanged, or null (never). */
const prefixes = new WeakMap<ServedResource, string | null>();

function prefixOf(r: ServedResource): string | null {
  let p = prefixes.get(r);
  if (p === undefined) {
    p = r.sharedStorage ? null : `{"apiVersion":${JSON.stringify(apiVersionOf(r.info))},"kind":${JSON.stringify(r.info.kind)},`;
    prefixes.set(r, p);
  }
  return p;
}

/**
 * `stored` (an object's stored JSON) when it equals JSON.stringify(asServed(r, JSON.parse(stored))):
 * its first members are the served apiVersion and kind. Otherwise undefined (convert it as usual).
 */
export function servedJson(r: ServedResource, stored: string | undefined): string | undefined {
  if (stored === undefined) return undefined;
  const p = prefixOf(r);
  return p !== null && stored.startsWith(p) ? stored : undefined;
}

/** True when an Accept header may ask for another rendering than the object itself (Table, PartialObjectMetadata). */
export function mayAskConversion(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('as=');
}
