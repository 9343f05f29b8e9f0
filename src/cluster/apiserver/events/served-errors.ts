/**
 * Errors of a resource kept in another resource's storage, reworded for the resource the client
 * asked for: kube-apiserver answers a missing events.k8s.io Event with `events.events.k8s.io "x"
 * not found` (details.group events.k8s.io), while core/v1 keeps `events "x" not found`.
 */
import { StatusError } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';

const qualified = (group: string, resource: string): string => (group ? `${resource}.${group}` : resource);

/** `err` as the served resource `r` names itself; anything else (or an unshared resource) unchanged. */
export function servedStatusError(r: ServedResource, err: unknown): unknown {
  const shared = r.sharedStorage;
  if (!shared || !(err instanceof StatusError) || !err.details) return err;
  const d = err.details;
  if ((d.group ?? '') !== shared.group || d.kind !== shared.resource) return err;
  const from = `${qualified(shared.group, shared.resource)} "`;
  const to = `${qualified(r.info.group, r.info.plural)} "`;
  const message = err.message.includes(from) ? err.message.replace(from, to) : err.message;
  return new StatusError(err.code, err.reason, message, { ...d, group: r.info.group, kind: r.info.plural }, { cause: err.cause, ...(err.listMeta ? { listMeta: err.listMeta } : {}) });
}
