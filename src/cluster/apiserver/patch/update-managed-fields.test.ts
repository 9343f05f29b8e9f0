import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/meta/index.js';
import { resourceInfo } from '../selectors/test-fixtures.js';
import { createPatchModule } from './index.js';

let clock = Date.parse('2026-01-02T03:04:05Z');
const patches = createPatchModule({ now: () => new Date(clock) });
const podInfo = resourceInfo('', 'Pod', { subresources: ['status', 'binding'] });
const cmInfo = resourceInfo('', 'ConfigMap', { subresources: [] });

type Obj = Record<string, unknown>;
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** The same FieldsV1 with every object's keys reversed: not canonical, so decoded and re-encoded in full. */
function reversed(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const keys = Object.keys(v).reverse();
  return Object.fromEntries(keys.map((k) => [k, reversed((v as Obj)[k])]));
}
const decanonical = (entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] => entries.map((e) => ({ ...e, fieldsV1: reversed(e.fieldsV1) as Obj }));

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', labels: { app: 'a', tier: 'web' }, annotations: { note: 'x' } },
  spec: {
    containers: [{ name: 'c', image: 'img:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }],
    volumes: [{ name: 'v', emptyDir: {} }],
    nodeSelector: { disk: 'ssd' },
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
});

type Write = { manager: string; sub?: string; info?: typeof podInfo; edit: (o: KubeObject & { spec: Obj; status: Obj; metadata: Obj }) => void };
const writes: Write[] = [
  { manager: 'ctl', edit: (o) => void ((o.metadata.labels as Obj).extra = 'y') },
  { manager: 'ctl', edit: (o) => void ((o.metadata.labels as Obj).extra = 'z') }, // its own field: same set, new time
  { manager: 'sched', sub: 'binding', edit: (o) => void (o.spec.nodeName = 'n1') },
  { manager: 'kubelet', sub: 'status', edit: (o) => void (o.status.phase = 'Running') },
  { manager: 'kubelet', sub: 'status', edit: (o) => void (o.status.conditions = [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }]) },
  { manager: 'other', sub: 'status', edit: (o) => void (o.status.phase = 'Succeeded') }, // takes a field from kubelet
  { manager: 'ctl', edit: (o) => void delete (o.metadata.labels as Obj).extra }, // removes only: keeps its time
  { manager: 'creator', edit: (o) => void ((o.spec.containers as Obj[])[0]!.image = 'img:2') }, // takes from creator itself
  { manager: 'x', edit: (o) => void ((o.spec.containers as Obj[])[0]!.image = 'img:3') }, // takes the only field of a manager
  { manager: 'creator', edit: (o) => void delete o.metadata.annotations }, // removes a whole map
  { manager: 'ctl', edit: (o) => void (o.spec.containers = [{ name: 'd', image: 'img:4' }]) },
  { manager: 'ctl', edit: (o) => void (o.metadata.labels = {}) },
  { manager: 'kubelet', sub: 'status', edit: () => {} },
  { manager: 'ctl', info: cmInfo, edit: (o) => void (o.status.phase = 'Unknown') }, // no status subresource: status is owned
];

test('updateManagedFields: edits of stored (canonical, frozen) entries give exactly what decoding and re-encoding them gives', () => {
  let live = deepFreeze({ ...pod(), metadata: { ...pod().metadata, managedFields: patches.updateManagedFields(podInfo, undefined, pod(), 'creator', undefined) } });
  for (const [i, w] of writes.entries()) {
    clock += 1000;
    const next = clone(live) as KubeObject & { spec: Obj; status: Obj; metadata: Obj };
    w.edit(next);
    const info = w.info ?? podInfo;
    const fast = patches.updateManagedFields(info, live, next, w.manager, w.sub);
    const slowLive = { ...live, metadata: { ...live.metadata, managedFields: decanonical(live.metadata.managedFields) } };
    const slowNext = { ...next, metadata: { ...next.metadata, managedFields: slowLive.metadata.managedFields } };
    const slow = patches.updateManagedFields(info, slowLive, slowNext, w.manager, w.sub);
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), `write ${i} by ${w.manager}`);
    live = deepFreeze({ ...next, metadata: { ...next.metadata, managedFields: fast } });
  }
  // Spot checks of the upstream rules the comparison relies on.
  const byName = (m: string) => live.metadata.managedFields.find((e) => e.manager === m);
  assert.equal(byName('x'), undefined, 'a manager that lost its only field is dropped');
  assert.equal(byName('kubelet')?.time, '2026-01-02T03:04:10Z', 'a no-op write keeps the time');
});

test('updateManagedFields: an update that changes one field re-encodes no untouched entry', () => {
  const base = pod();
  const created = deepFreeze({ ...base, metadata: { ...base.metadata, managedFields: patches.updateManagedFields(podInfo, undefined, base, 'creator', undefined) } });
  clock += 1000;
  // A merge patch's result: it shares the live object's managedFields.
  const status = { ...next0(created).status, phase: 'Running' };
  const mf = patches.updateManagedFields(podInfo, created, { ...created, status }, 'kubelet', 'status');
  const stored = created.metadata.managedFields[0]!;
  assert.equal(mf.find((e) => e.manager === 'creator')?.fieldsV1, stored.fieldsV1, 'the creator\'s entry is the stored one');
  assert.deepEqual(mf.find((e) => e.manager === 'kubelet')?.fieldsV1, { 'f:status': { 'f:phase': {} } });
  // A full update (PUT) that takes one of the creator's fields: its other subtrees are still the sent ones.
  clock += 1000;
  const put = clone(created) as KubeObject & { spec: Obj };
  (put.spec.nodeSelector as Obj).disk = 'hdd';
  const mf2 = patches.updateManagedFields(podInfo, created, put, 'ctl', undefined);
  const creator = mf2.find((e) => e.manager === 'creator')?.fieldsV1 as Obj;
  const sent = put.metadata!.managedFields![0]!.fieldsV1 as Obj;
  assert.equal(creator['f:metadata'], sent['f:metadata']);
  assert.equal((creator['f:spec'] as Obj)['f:containers'], (sent['f:spec'] as Obj)['f:containers']);
  assert.deepEqual((creator['f:spec'] as Obj)['f:nodeSelector'], {}, 'it keeps the map itself');
  assert.deepEqual(mf2.find((e) => e.manager === 'ctl')?.fieldsV1, { 'f:spec': { 'f:nodeSelector': { 'f:disk': {} } } });
});

const next0 = (o: KubeObject): KubeObject & { status: Obj } => o as KubeObject & { status: Obj };
