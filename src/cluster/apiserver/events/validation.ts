/**
 * Updates through events.k8s.io/v1 as kube-apiserver validates them: everything but metadata and
 * series is immutable (errors name the internal Event fields, as upstream's do). Updates through
 * core/v1 keep the legacy freedom.
 */
import { invalid, type FieldError, type KubeObject } from '../../../api/meta/index.js';

/** [events.k8s.io/v1 field, the path upstream reports]. */
const IMMUTABLE: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['reason', 'reason'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

/** Field errors of an events.k8s.io/v1 update. */
export function validateEventsV1Update(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = obj as Record<string, unknown>;
  const o = old as Record<string, unknown>;
  return IMMUTABLE.filter(([f]) => JSON.stringify(n[f] ?? null) !== JSON.stringify(o[f] ?? null)).map(([f, path]) => invalid(path, n[f], 'field is immutable'));
}
