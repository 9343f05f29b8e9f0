/**
 * core/v1 Events and events.k8s.io/v1 Events as one store, as kube-apiserver keeps them: the
 * events.k8s.io resource reads and writes the core `events` storage through the conversion, so an
 * Event created through either API is listed, watched and field-selected through both; updates
 * through events.k8s.io may change only metadata and series.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { ServedResource } from '../registry/registry.js';
import { coreToEventsV1, eventsV1ToCore } from './conversion.js';
import { validateEventsV1Update } from './validation.js';

export { coreToEventsV1, eventsV1ToCore } from './conversion.js';
export { servedStatusError } from './served-errors.js';

/** The served resources with events.k8s.io Events stored as core Events. */
export function withSharedEventStorage(resources: readonly ServedResource[]): ServedResource[] {
  return resources.map((r) => {
    if (r.info.group !== 'events.k8s.io' || r.info.plural !== 'events') return r;
    const base = r.hooks.validate?.bind(r.hooks);
    const validate = (o: KubeObject, old: KubeObject | undefined) => (old ? validateEventsV1Update(o, old) : (base?.(o, undefined) ?? []));
    return { ...r, hooks: { ...r.hooks, validate }, sharedStorage: { group: '', resource: 'events', toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 } };
  });
}
