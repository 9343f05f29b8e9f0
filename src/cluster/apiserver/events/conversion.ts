/**
 * core/v1 Event <-> events.k8s.io/v1 Event, field for field as kube-apiserver converts them through
 * its internal Event: message<->note, involvedObject<->regarding, source<->deprecatedSource,
 * firstTimestamp/lastTimestamp/count <-> deprecatedFirstTimestamp/deprecatedLastTimestamp/
 * deprecatedCount, reportingComponent<->reportingController; the rest share names. Pure.
 */
import type { KubeObject } from '../../../api/meta/index.js';

/** [core/v1 name, events.k8s.io/v1 name] of every field whose name differs. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['message', 'note'],
  ['involvedObject', 'regarding'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];
/** Fields with the same name in both versions. */
const SHARED = ['reason', 'type', 'eventTime', 'series', 'action', 'related', 'reportingInstance'] as const;

function convert(obj: KubeObject, apiVersion: string, from: 0 | 1): Record<string, unknown> {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = { apiVersion, kind: 'Event', metadata: obj.metadata };
  for (const f of SHARED) if (src[f] !== undefined) out[f] = src[f];
  for (const pair of RENAMED) {
    const v = src[pair[from]];
    if (v !== undefined) out[pair[from === 0 ? 1 : 0]] = v;
  }
  return out;
}

/** A core/v1 Event as events.k8s.io/v1 shows it (eventTime is always present there, null when unset). */
export function coreToEventsV1(obj: KubeObject): KubeObject {
  const out = convert(obj, 'events.k8s.io/v1', 0);
  out.eventTime ??= null;
  return out;
}

/** An events.k8s.io/v1 Event in its core/v1 (storage) form. */
export function eventsV1ToCore(obj: KubeObject): KubeObject {
  return convert(obj, 'v1', 1);
}
