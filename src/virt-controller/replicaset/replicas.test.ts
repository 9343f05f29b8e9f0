import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelSelector, VirtualMachineInstance, VirtualMachineInstanceReplicaSet } from '../../api/kubevirt/index.js';
import { computeRSStatus, deleteCandidates, invalidSpec, isActive, isFinished, replicaDiff, selectorString, vmiFromReplicaSet } from './replicas.js';

const now = new Date('2026-01-01T00:00:00Z');

function newRS(mod: (rs: VirtualMachineInstanceReplicaSet) => void = () => undefined): VirtualMachineInstanceReplicaSet {
  const rs: VirtualMachineInstanceReplicaSet = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { domain: { devices: {} } } } },
  };
  mod(rs);
  return rs;
}

function vmi(name: string, phase?: string, extra: Partial<VirtualMachineInstance['metadata']> = {}, ready?: 'True' | 'False', reason?: string): VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, ...extra },
    spec: { domain: { devices: {} } },
    status: { ...(phase ? { phase: phase as 'Running' } : {}), ...(ready ? { conditions: [{ type: 'Ready', status: ready, ...(reason ? { reason } : {}) }] } : {}) },
  };
}

const selectors: [string, LabelSelector | undefined, string][] = [
  ['none', undefined, ''],
  ['labels sorted by key', { matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
  ['expressions', { matchExpressions: [{ key: 'z', operator: 'In', values: ['y', 'x'] }, { key: 'n', operator: 'NotIn', values: ['1'] }, { key: 'e', operator: 'Exists' }, { key: 'd', operator: 'DoesNotExist' }] }, '!d,e,n notin (1),z in (x,y)'],
];
for (const [name, sel, want] of selectors) test(`selectorString: ${name}`, () => assert.equal(selectorString(sel), want));

const specs: [string, VirtualMachineInstanceReplicaSet, boolean][] = [
  ['valid', newRS(), false],
  ['no template labels', newRS((rs) => (rs.spec.template.metadata = {})), true],
  ['selector not matching the template', newRS((rs) => (rs.spec.selector = { matchLabels: { app: 'other' } })), true],
];
for (const [name, rs, bad] of specs) test(`invalidSpec: ${name}`, () => assert.equal(invalidSpec(rs) !== undefined, bad));

const filters: [string, VirtualMachineInstance, boolean, boolean][] = [
  ['running', vmi('a', 'Running'), true, false],
  ['no phase yet', vmi('a'), true, false],
  ['failed', vmi('a', 'Failed'), false, true],
  ['succeeded', vmi('a', 'Succeeded'), false, true],
  ['being deleted', vmi('a', 'Running', { deletionTimestamp: '2026-01-01T00:00:00Z' }), false, false],
  ['pod terminating', vmi('a', 'Running', {}, 'False', 'PodTerminating'), false, true],
];
for (const [name, v, active, finished] of filters) {
  test(`isActive/isFinished: ${name}`, () => {
    assert.equal(isActive(v), active);
    assert.equal(isFinished(v), finished);
  });
}

test('replicaDiff: replicas defaults to 1; negative means create', () => {
  assert.equal(replicaDiff(newRS(), [vmi('a')]), -2);
  assert.equal(replicaDiff(newRS((rs) => delete rs.spec.replicas), [vmi('a'), vmi('b')]), 1);
});

test('deleteCandidates: not-running VMIs first, then the youngest', () => {
  const vs = [
    vmi('old', 'Running', { creationTimestamp: '2026-01-01T00:00:00Z' }),
    vmi('young', 'Running', { creationTimestamp: '2026-01-01T00:05:00Z' }),
    vmi('pending', 'Pending', { creationTimestamp: '2026-01-01T00:01:00Z' }),
  ];
  assert.deepEqual(deleteCandidates(vs, 2).map((v) => v.metadata?.name), ['pending', 'young']);
});

test('vmiFromReplicaSet: generateName from the set, template labels, controller owner reference', () => {
  const v = vmiFromReplicaSet(newRS());
  assert.equal(v.metadata?.generateName, 'web');
  assert.deepEqual(v.metadata?.labels, { app: 'web' });
  assert.deepEqual(v.metadata?.ownerReferences, [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(vmiFromReplicaSet(newRS((rs) => (rs.spec.template.metadata = { labels: { app: 'web' }, generateName: 'w-' }))).metadata?.generateName, 'w-');
});

test('computeRSStatus: counts, ready replicas, selector, paused and failure conditions', () => {
  const active = [vmi('a', 'Running', {}, 'True'), vmi('b', 'Scheduling', {}, 'False')];
  const s = computeRSStatus(newRS(), active, undefined, now);
  assert.deepEqual(s, { replicas: 2, readyReplicas: 1, labelSelector: 'app=web' });

  const paused = computeRSStatus(newRS((rs) => (rs.spec.paused = true)), active, undefined, now);
  assert.deepEqual(paused.conditions?.map((c) => [c.type, c.reason]), [['ReplicaPaused', 'Paused']]);

  const failed = computeRSStatus(newRS(), active, new Error('quota exceeded'), now);
  assert.deepEqual(failed.conditions?.map((c) => [c.type, c.reason, c.message]), [['ReplicaFailure', 'FailedCreate', 'quota exceeded']]);
  const tooMany = computeRSStatus(newRS((rs) => (rs.spec.replicas = 1)), active, new Error('forbidden'), now);
  assert.equal(tooMany.conditions?.[0]?.reason, 'FailedDelete');

  const recovered = computeRSStatus(newRS((rs) => (rs.status = failed)), active, undefined, now);
  assert.equal(recovered.conditions, undefined);
});
