import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeVMStatus } from './controller.js';
import { condition, newVM, newVMIOf, status, strategy } from './testing.js';

const now = new Date('2026-01-01T00:00:00Z');

test('computeVMStatus: no VMI yet under Always -> Starting, not created, Ready False VMINotExists', () => {
  const s = computeVMStatus(newVM('a', strategy('Always')), undefined, undefined, {}, now);
  assert.equal(s.created, false);
  assert.equal(s.ready, false);
  assert.equal(s.printableStatus, 'Starting');
  assert.equal(s.runStrategy, 'Always');
  assert.deepEqual(s.conditions?.[0], { type: 'Ready', status: 'False', reason: 'VMINotExists', message: 'VMI does not exist' });
});

test('computeVMStatus: running, ready VMI -> Running, created, ready, VMI conditions copied', () => {
  const vmi = newVMIOf('a', 'Running', condition('Ready', 'True'), condition('AgentConnected', 'True'));
  const s = computeVMStatus(newVM('a', strategy('Always')), vmi, undefined, {}, now);
  assert.equal(s.printableStatus, 'Running');
  assert.equal(s.created, true);
  assert.equal(s.ready, true);
  assert.deepEqual(s.conditions?.map((c) => c.type), ['Ready', 'AgentConnected']);
});

test('computeVMStatus: a failed early VMI starts the back-off; a done Stop request is dropped', () => {
  const vm = newVM('a', strategy('Always'), status({ stateChangeRequests: [{ action: 'Stop', uid: 'old' }] }));
  const s = computeVMStatus(vm, newVMIOf('a', 'Failed'), undefined, {}, now);
  assert.equal(s.startFailure?.consecutiveFailCount, 1);
  assert.equal(s.stateChangeRequests, undefined);
  assert.equal(s.printableStatus, 'CrashLoopBackOff');
});

test('computeVMStatus: Halted without VMI -> Stopped, no startFailure', () => {
  const s = computeVMStatus(newVM('a', strategy('Halted'), status({ startFailure: { consecutiveFailCount: 3 } })), undefined, undefined, {}, now);
  assert.equal(s.printableStatus, 'Stopped');
  assert.equal(s.startFailure, undefined);
});
