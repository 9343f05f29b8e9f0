import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type KubeObject } from '../../../api/meta/index.js';
import { coreToEventsV1, eventsV1ToCore } from './conversion.js';
import { withSharedEventStorage } from './index.js';
import { validateEventsV1Update } from './validation.js';

const metadata = { name: 'e1', namespace: 'ns', uid: 'u', resourceVersion: '7' };
const ref = { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'pu', apiVersion: 'v1' };
const series = { count: 3, lastObservedTime: '2026-01-01T00:00:01.000000Z' };

test('core/v1 <-> events.k8s.io/v1 field mapping', () => {
  const cases: [string, KubeObject, KubeObject][] = [
    [
      'old-style core event',
      { apiVersion: 'v1', kind: 'Event', metadata, involvedObject: ref, reason: 'Started', message: 'started container', source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:05Z', count: 2, type: 'Normal' },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata, regarding: ref, reason: 'Started', note: 'started container', deprecatedSource: { component: 'kubelet', host: 'node-1' }, deprecatedFirstTimestamp: '2026-01-01T00:00:00Z', deprecatedLastTimestamp: '2026-01-01T00:00:05Z', deprecatedCount: 2, type: 'Normal', eventTime: null },
    ],
    [
      'new-style event',
      { apiVersion: 'v1', kind: 'Event', metadata, involvedObject: ref, related: ref, reason: 'Migrated', message: 'done', type: 'Warning', eventTime: '2026-01-01T00:00:00.000000Z', series, action: 'Migrate', reportingComponent: 'virt-handler', reportingInstance: 'virt-handler-node-1' },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata, regarding: ref, related: ref, reason: 'Migrated', note: 'done', type: 'Warning', eventTime: '2026-01-01T00:00:00.000000Z', series, action: 'Migrate', reportingController: 'virt-handler', reportingInstance: 'virt-handler-node-1' },
    ],
  ];
  for (const [name, core, v1] of cases) {
    assert.deepEqual(coreToEventsV1(core), v1, name);
    const back = eventsV1ToCore(v1);
    assert.deepEqual(back, { ...core, ...(core.eventTime === undefined ? { eventTime: null } : {}) }, `${name} (back)`);
  }
});

test('only events.k8s.io Events get the shared storage', () => {
  const info = (group: string, plural: string) => ({ info: { group, plural } as never, hooks: {}, storageVersion: 'v1' });
  const out = withSharedEventStorage([info('events.k8s.io', 'events'), info('', 'events'), info('', 'pods')]);
  assert.deepEqual(out.map((r) => r.sharedStorage && `${r.sharedStorage.group}/${r.sharedStorage.resource}`), ['/events', undefined, undefined]);
});

test('events.k8s.io updates: only series and metadata may change', () => {
  const old: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata, regarding: ref, note: 'a', reason: 'R', eventTime: '2026-01-01T00:00:00.000000Z' };
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['series', { series }, []],
    ['labels', { metadata: { ...metadata, labels: { a: 'b' } } }, []],
    ['note', { note: 'b' }, ['message: Invalid value: "b": field is immutable']],
    ['regarding and reason', { regarding: { ...ref, name: 'q' }, reason: 'S' }, ['involvedObject: Invalid value: {"kind":"Pod","namespace":"ns","name":"q","uid":"pu","apiVersion":"v1"}: field is immutable', 'reason: Invalid value: "S": field is immutable']],
  ];
  for (const [name, change, want] of cases) assert.deepEqual(validateEventsV1Update({ ...old, ...change }, old).map(fieldErrorMessage), want, name);
});
