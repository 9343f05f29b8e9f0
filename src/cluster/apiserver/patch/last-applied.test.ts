import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../../api/meta/index.js';
import { resourceInfo } from '../selectors/test-fixtures.js';
import { createPatchModule } from './index.js';
import { lastAppliedAnnotation } from './last-applied.js';

let tick = 0;
const patches = createPatchModule({ now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)) });
const cmInfo = resourceInfo('', 'ConfigMap', { subresources: [] });
const cm = (data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', ...(annotations ? { annotations } : {}) },
  data,
});

/** An object as client-side `kubectl apply` leaves it: the annotation, and kubectl-client-side-apply owning what it set. */
function clientSideApplied(data: Record<string, string>): KubeObject {
  const obj = cm(data, { [lastAppliedAnnotation]: `${JSON.stringify(cm(data))}\n` });
  obj.metadata = { ...obj.metadata, managedFields: patches.updateManagedFields(cmInfo, undefined, obj, 'kubectl-client-side-apply') };
  return obj;
}

test('kubectl server-side apply takes over fields from client-side apply without conflicts', () => {
  const live = clientSideApplied({ a: '1', b: '2' });
  const { object } = patches.serverSideApply(cmInfo, live, cm({ a: '9', b: '2' }), { manager: 'kubectl', force: false });
  assert.deepEqual(object.data, { a: '9', b: '2' });
  assert.equal(object.metadata?.annotations?.[lastAppliedAnnotation], `${JSON.stringify(cm({ a: '9', b: '2' }))}\n`);
  const owners = (object.metadata?.managedFields ?? []).map((e) => [e.manager, Object.keys((e.fieldsV1 as { 'f:data'?: object })['f:data'] ?? {})]);
  assert.deepEqual(owners, [['kubectl', ['f:a', 'f:b']], ['kubectl-client-side-apply', ['.', 'f:b']]]);
});

test('other appliers, and fields outside the last-applied configuration, still conflict', () => {
  const live = clientSideApplied({ a: '1' });
  assert.throws(
    () => patches.serverSideApply(cmInfo, live, cm({ a: '9' }), { manager: 'helm', force: false }),
    (e: unknown) => e instanceof StatusError && e.code === 409,
  );
  const edited = structuredClone(live);
  edited.data = { a: '1', x: 'edited' };
  edited.metadata = { ...edited.metadata, managedFields: patches.updateManagedFields(cmInfo, live, edited, 'kubectl-client-side-apply') };
  assert.throws(
    () => patches.serverSideApply(cmInfo, edited, cm({ a: '9', x: 'mine' }), { manager: 'kubectl', force: false }),
    (e: unknown) =>
      e instanceof StatusError &&
      e.message === 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.x',
  );
});

test('more than ten Update managers: the oldest merge into ancient-changes', () => {
  let obj = cm({});
  for (let i = 0; i < 12; i++) {
    const next = structuredClone(obj);
    next.data = { ...(next.data as Record<string, string>), [`k${i}`]: 'v' };
    next.metadata = { ...next.metadata, managedFields: patches.updateManagedFields(cmInfo, obj, next, `writer-${i}`) };
    obj = next;
  }
  const entries = obj.metadata?.managedFields ?? [];
  assert.equal(entries.length, 10);
  const ancient = entries.find((e) => e.manager === 'ancient-changes');
  assert.deepEqual(ancient?.fieldsV1, { 'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
  assert.ok(!entries.some((e) => ['writer-0', 'writer-1', 'writer-2'].includes(e.manager ?? '')));
  assert.ok(entries.some((e) => e.manager === 'writer-11'));
});
