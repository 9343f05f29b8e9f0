import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachine, VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { StatusError } from '../../api/meta/index.js';
import { changeRequestPatch, planRestart, planStart, planStop, type LifecyclePlan } from './lifecycle.js';

type VMOpts = Partial<Pick<VirtualMachine['spec'], 'running' | 'runStrategy'>> & { status?: VirtualMachine['status'] };
const vm = (o: VMOpts = {}): VirtualMachine => {
  const { status, ...spec } = o;
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm1', namespace: 'ns', uid: 'vm-uid' }, spec: { template: { spec: { domain: { devices: {} } } }, ...spec }, ...(status ? { status } : {}) };
};
const vmi = (phase: string, grace?: number): VirtualMachineInstance =>
  ({ metadata: { name: 'vm1', namespace: 'ns', uid: 'vmi-uid' }, spec: { domain: { devices: {} }, ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}) }, status: { phase } }) as unknown as VirtualMachineInstance;

function outcome(f: () => LifecyclePlan): LifecyclePlan | string {
  try {
    return f();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return `${e.code} ${e.message}`;
  }
}

const conflict = (why: string): string => `409 Operation cannot be fulfilled on virtualmachine.kubevirt.io "vm1": ${why}`;

test('start: run strategy decides between flipping the spec and a Start request', () => {
  const cases: [string, () => LifecyclePlan, LifecyclePlan | string][] = [
    ['running VMI', () => planStart(vm({ runStrategy: 'Halted' }), vmi('Running'), {}), conflict('VM is already running')],
    ['Halted runStrategy', () => planStart(vm({ runStrategy: 'Halted' }), undefined, {}), { vmPatch: [{ op: 'test', path: '/spec/runStrategy', value: 'Halted' }, { op: 'replace', path: '/spec/runStrategy', value: 'Always' }] }],
    ['running: false', () => planStart(vm({ running: false }), vmi('Succeeded'), {}), { vmPatch: [{ op: 'test', path: '/spec/running', value: false }, { op: 'replace', path: '/spec/running', value: true }] }],
    ['Halted, paused', () => planStart(vm({ runStrategy: 'Halted' }), undefined, { paused: true }), { vmStatusPatch: [{ op: 'add', path: '/status', value: { stateChangeRequests: [{ action: 'Start', data: { paused: 'true' } }] } }] }],
    ['Manual, no VMI', () => planStart(vm({ runStrategy: 'Manual', status: { printableStatus: 'Stopped' } }), undefined, {}), { vmStatusPatch: [{ op: 'test', path: '/status/stateChangeRequests', value: null }, { op: 'add', path: '/status/stateChangeRequests', value: [{ action: 'Start' }] }] }],
    ['Manual, final VMI', () => planStart(vm({ runStrategy: 'Manual' }), vmi('Failed'), {}), { vmStatusPatch: [{ op: 'add', path: '/status', value: { stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] } }] }],
    ['RerunOnFailure, failed', () => planStart(vm({ runStrategy: 'RerunOnFailure' }), vmi('Failed'), {}), conflict('RerunOnFailure does not support starting VM from failed state')],
    ['Always', () => planStart(vm({ runStrategy: 'Always' }), undefined, {}), conflict('Always does not support manual start requests')],
    ['running: true', () => planStart(vm({ running: true }), undefined, {}), conflict('Always does not support manual start requests')],
  ];
  for (const [name, f, want] of cases) assert.deepEqual(outcome(f), want, name);
});

test('stop: Always flips to Halted, Manual asks for a Stop, Halted only accepts a shorter grace period', () => {
  const cases: [string, () => LifecyclePlan, LifecyclePlan | string][] = [
    ['Always', () => planStop(vm({ runStrategy: 'Always' }), vmi('Running'), {}), { vmPatch: [{ op: 'test', path: '/spec/runStrategy', value: 'Always' }, { op: 'replace', path: '/spec/runStrategy', value: 'Halted' }] }],
    ['Always, grace', () => planStop(vm({ running: true }), vmi('Running', 30), { gracePeriod: 0 }), {
      vmiPatch: [{ op: 'test', path: '/spec/terminationGracePeriodSeconds', value: 30 }, { op: 'replace', path: '/spec/terminationGracePeriodSeconds', value: 0 }],
      vmPatch: [{ op: 'test', path: '/spec/running', value: true }, { op: 'replace', path: '/spec/running', value: false }],
    }],
    ['Manual, running', () => planStop(vm({ runStrategy: 'Manual' }), vmi('Running'), {}), { vmStatusPatch: [{ op: 'add', path: '/status', value: { stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }] } }] }],
    ['Manual, no VMI', () => planStop(vm({ runStrategy: 'Manual' }), undefined, {}), conflict('VM is not running')],
    ['Halted, no VMI', () => planStop(vm({ runStrategy: 'Halted' }), undefined, {}), conflict('VM is not running')],
    ['Halted, same grace', () => planStop(vm({ runStrategy: 'Halted' }), vmi('Running', 5), { gracePeriod: 5 }), conflict('Halted only supports manual stop requests with a shorter graceperiod')],
  ];
  for (const [name, f, want] of cases) assert.deepEqual(outcome(f), want, name);
});

test('restart: Stop + Start requests; forced restart deletes the pod; bad grace periods are 400', () => {
  const cases: [string, () => LifecyclePlan, LifecyclePlan | string][] = [
    ['Always', () => planRestart(vm({ runStrategy: 'Always' }), vmi('Running'), {}), { vmStatusPatch: [{ op: 'add', path: '/status', value: { stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] } }] }],
    ['forced', () => planRestart(vm({ runStrategy: 'Always' }), vmi('Running'), { gracePeriodSeconds: 0 }), { vmStatusPatch: [{ op: 'add', path: '/status', value: { stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] } }], deleteLauncherPod: true }],
    ['grace 5', () => planRestart(vm({ runStrategy: 'Always' }), vmi('Running'), { gracePeriodSeconds: 5 }), '400 For force restart, only gracePeriod=0 is supported for now'],
    ['grace -1', () => planRestart(vm({ runStrategy: 'Always' }), vmi('Running'), { gracePeriodSeconds: -1 }), '400 gracePeriod has to be greater or equal to 0'],
    ['Halted', () => planRestart(vm({ runStrategy: 'Halted' }), undefined, {}), conflict('RunStategy Halted does not support manual restart requests')],
    ['no VMI', () => planRestart(vm({ runStrategy: 'Always' }), undefined, {}), conflict('VM is not running: Halted')],
  ];
  for (const [name, f, want] of cases) assert.deepEqual(outcome(f), want, name);
});

test('change requests while others are pending: a Stop replaces them, anything else is refused', () => {
  const pending = vm({ runStrategy: 'Manual', status: { stateChangeRequests: [{ action: 'Start' }], startFailure: { retryAfterTimestamp: 'x', consecutiveFailCount: 1 } } });
  assert.deepEqual(changeRequestPatch(pending, [{ action: 'Stop', uid: 'u' }]), [
    { op: 'test', path: '/status/stateChangeRequests', value: [{ action: 'Start' }] },
    { op: 'replace', path: '/status/stateChangeRequests', value: [{ action: 'Stop', uid: 'u' }] },
    { op: 'remove', path: '/status/startFailure' },
  ]);
  assert.throws(() => changeRequestPatch(pending, [{ action: 'Start' }]), /stop\/start already underway/);
});
