import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firmwareUUID } from '../../api/kubevirt/index.js';
import { decideVMAction, nextStartFailure, remainingRequests, startBackoffSeconds, vmiFromTemplate } from './run-strategy.js';
import { newVM, newVMIOf, ranOnce, running, status, strategy, vmDeleting, vmiDeleting } from './testing.js';

const now = new Date('2026-01-01T00:10:00Z');
const later = '2026-01-01T00:11:00Z';
const earlier = '2026-01-01T00:09:00Z';

const cases: { name: string; vm: Parameters<typeof decideVMAction>[0]; vmi?: Parameters<typeof decideVMAction>[1]; want: string; requeue?: number }[] = [
  { name: 'Always, no VMI: create', vm: newVM('a', strategy('Always')), want: 'create' },
  { name: 'running: true, no VMI: create', vm: newVM('a', running(true)), want: 'create' },
  { name: 'running: false, VMI running: delete', vm: newVM('a', running(false)), vmi: newVMIOf('a', 'Running'), want: 'delete' },
  { name: 'Always, VMI running: nothing', vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Running'), want: 'none' },
  { name: 'Always, VMI Succeeded: delete to restart', vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Succeeded'), want: 'delete' },
  { name: 'Always, VMI Failed: delete to restart', vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Failed'), want: 'delete' },
  { name: 'Always, back-off pending: wait', vm: newVM('a', strategy('Always'), status({ startFailure: { consecutiveFailCount: 1, retryAfterTimestamp: later } })), want: 'none', requeue: 60_000 },
  { name: 'Always, back-off expired: create', vm: newVM('a', strategy('Always'), status({ startFailure: { consecutiveFailCount: 1, retryAfterTimestamp: earlier } })), want: 'create' },
  { name: 'RerunOnFailure, VMI Failed: delete', vm: newVM('a', strategy('RerunOnFailure')), vmi: newVMIOf('a', 'Failed'), want: 'delete' },
  { name: 'RerunOnFailure, VMI Succeeded: keep', vm: newVM('a', strategy('RerunOnFailure')), vmi: newVMIOf('a', 'Succeeded'), want: 'none' },
  { name: 'RerunOnFailure, no VMI: create', vm: newVM('a', strategy('RerunOnFailure')), want: 'create' },
  { name: 'Halted, no VMI: nothing', vm: newVM('a', strategy('Halted')), want: 'none' },
  { name: 'Halted, VMI running: delete', vm: newVM('a', strategy('Halted')), vmi: newVMIOf('a', 'Running'), want: 'delete' },
  { name: 'Halted, VMI already deleting: nothing', vm: newVM('a', strategy('Halted')), vmi: newVMIOf('a', 'Running', vmiDeleting), want: 'none' },
  { name: 'Manual, no VMI: nothing', vm: newVM('a', strategy('Manual')), want: 'none' },
  { name: 'Manual, VMI Succeeded: nothing', vm: newVM('a', strategy('Manual')), vmi: newVMIOf('a', 'Succeeded'), want: 'none' },
  { name: 'Manual, Start request: create', vm: newVM('a', strategy('Manual'), status({ stateChangeRequests: [{ action: 'Start' }] })), want: 'create' },
  { name: 'Manual, Stop request for the VMI: delete', vm: newVM('a', strategy('Manual'), status({ stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }] })), vmi: newVMIOf('a', 'Running'), want: 'delete' },
  { name: 'Stop request for another VMI: nothing', vm: newVM('a', strategy('Manual'), status({ stateChangeRequests: [{ action: 'Stop', uid: 'other' }] })), vmi: newVMIOf('a', 'Running'), want: 'none' },
  { name: 'Always, restart (Stop then Start), VMI running: delete', vm: newVM('a', strategy('Always'), status({ stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] })), vmi: newVMIOf('a', 'Running'), want: 'delete' },
  { name: 'Always, Stop request, VMI gone: nothing', vm: newVM('a', strategy('Always'), status({ stateChangeRequests: [{ action: 'Stop' }] })), want: 'none' },
  { name: 'Once, never created: create', vm: newVM('a', strategy('Once')), want: 'create' },
  { name: 'Once, VMI Succeeded: keep', vm: newVM('a', strategy('Once')), vmi: newVMIOf('a', 'Succeeded'), want: 'none' },
  { name: 'Once, VMI Failed: keep', vm: newVM('a', strategy('Once')), vmi: newVMIOf('a', 'Failed'), want: 'none' },
  { name: 'VM deleting: delete the VMI', vm: newVM('a', strategy('Always'), vmDeleting), vmi: newVMIOf('a', 'Running'), want: 'delete' },
  { name: 'VM deleting, no VMI: nothing', vm: newVM('a', strategy('Always'), vmDeleting), want: 'none' },
];
for (const c of cases) {
  test(`decideVMAction: ${c.name}`, () => {
    const got = decideVMAction(c.vm, c.vmi, now);
    assert.equal(got.kind, c.want);
    if (c.requeue !== undefined) assert.equal(got.kind === 'none' ? got.requeueAfterMs : undefined, c.requeue);
  });
}

test('startBackoffSeconds: 10 s x failures^2 plus up to half jitter, capped at 300', () => {
  const table: [number, number, number][] = [
    [1, 0, 10], [1, 0.999, 15], [2, 0, 40], [3, 0, 90], [5, 0, 250], [6, 0, 300], [0, 0, 10],
  ];
  for (const [n, r, want] of table) assert.equal(startBackoffSeconds(n, () => r), want, `failures ${n}, random ${r}`);
});

test('nextStartFailure counts early failures once per VMI and clears after a run', () => {
  const vm = newVM('a', strategy('Always'));
  const first = nextStartFailure(vm, newVMIOf('a', 'Failed'), now, () => 0);
  assert.deepEqual(first, { consecutiveFailCount: 1, lastFailedVMIUID: 'vmi-uid', retryAfterTimestamp: '2026-01-01T00:10:10Z' });
  const again = newVM('a', strategy('Always'), status({ startFailure: first }));
  assert.equal(nextStartFailure(again, newVMIOf('a', 'Failed'), now, () => 0), first, 'same VMI counted once');
  const second = nextStartFailure(again, newVMIOf('a', 'Failed', (v) => (v.metadata!.uid = 'vmi-2')), now, () => 0);
  assert.equal(second?.consecutiveFailCount, 2);
  assert.equal(second?.retryAfterTimestamp, '2026-01-01T00:10:40Z');
  assert.equal(nextStartFailure(again, newVMIOf('a', 'Failed', ranOnce), now), undefined, 'a VMI that ran clears it');
  assert.equal(nextStartFailure(newVM('a', strategy('Manual'), status({ startFailure: first })), newVMIOf('a', 'Failed'), now), undefined);
  assert.equal(nextStartFailure(again, newVMIOf('a', 'Scheduling'), now), first, 'a live VMI keeps it');
});

test('remainingRequests drops a Stop once its VMI is gone and a Start once a VMI runs', () => {
  const vm = newVM('a', status({ stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] }));
  assert.deepEqual(remainingRequests(vm, newVMIOf('a', 'Running')), [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }]);
  assert.deepEqual(remainingRequests(vm, undefined), [{ action: 'Start' }]);
  assert.equal(remainingRequests(vm, newVMIOf('a', 'Pending', (v) => (v.metadata!.uid = 'new'))), undefined);
});

test('vmiFromTemplate: name, namespace, labels, owner, stable firmware uuid', () => {
  const vm = newVM('db');
  const vmi = vmiFromTemplate(vm);
  assert.equal(vmi.metadata?.name, 'db');
  assert.deepEqual(vmi.metadata?.labels, { app: 'db' });
  assert.deepEqual(vmi.metadata?.ownerReferences, [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'db', uid: 'vm-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(vmi.spec.domain.firmware?.uuid, firmwareUUID('db'));
  assert.equal(vmiFromTemplate(vm).spec.domain.firmware?.uuid, vmi.spec.domain.firmware?.uuid, 'same uuid on restart');
  assert.equal(vm.spec.template.spec?.domain.firmware, undefined, 'template untouched');
  const pinned = newVM('db', (v) => (v.spec.template.spec!.domain.firmware = { uuid: 'fixed' }));
  assert.equal(vmiFromTemplate(pinned).spec.domain.firmware?.uuid, 'fixed');
});
