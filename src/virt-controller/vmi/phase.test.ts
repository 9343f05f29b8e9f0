import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { PersistentVolumeClaim, Pod, PodCondition, PodPhase } from '../pod.js';
import type { DataVolumeLike } from '../vm/printable-status.js';
import { condition, newVMIOf, vmiDeleting } from '../vm/testing.js';
import { reconcileVMIStatus, type VMIAction } from './phase.js';

const now = new Date('2026-01-01T00:00:00Z');
const pod = (phase: PodPhase, opts: { node?: string; conditions?: PodCondition[]; deleting?: boolean; waiting?: string } = {}): Pod => ({
  metadata: { name: 'virt-launcher-a-x', namespace: 'default', ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [{ name: 'compute', image: 'i' }], ...(opts.node ? { nodeName: opts.node } : {}) },
  status: { phase, ...(opts.conditions ? { conditions: opts.conditions } : {}), ...(opts.waiting ? { containerStatuses: [{ name: 'compute', state: { waiting: { reason: opts.waiting, message: 'pull failed' } } }] } : {}) },
});
const withFinalizer = (v: VirtualMachineInstance) => (v.metadata!.finalizers = ['kubevirt.io/foregroundDeleteVirtualMachine']);
const withPVC = (v: VirtualMachineInstance) => (v.spec.volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'pvc' } }]);
const withDV = (v: VirtualMachineInstance) => (v.spec.volumes = [{ name: 'd', dataVolume: { name: 'dv' } }]);
const pvcs = (...names: string[]): ReadonlyMap<string, PersistentVolumeClaim> => new Map(names.map((n) => [n, { metadata: { name: n }, status: { phase: 'Bound' } }]));
const dvs = (phase: string): ReadonlyMap<string, DataVolumeLike> => new Map([['dv', { status: { phase } }]]);
const ready = (status: 'True' | 'False'): PodCondition => ({ type: 'Ready', status });
const scheduled = (status: 'True' | 'False', reason?: string): PodCondition => ({ type: 'PodScheduled', status, ...(reason ? { reason } : {}) });

const phaseCases: { name: string; vmi: VirtualMachineInstance; pod?: Pod; extra?: { pvcs?: ReadonlyMap<string, PersistentVolumeClaim>; dataVolumes?: ReadonlyMap<string, DataVolumeLike> }; phase: string; actions: VMIAction[]; reason?: string; nodeName?: string }[] = [
  { name: 'new VMI: Pending, create the pod', vmi: newVMIOf('a', undefined), phase: 'Pending', actions: ['createPod'] },
  { name: 'Pending with a pod: Scheduling', vmi: newVMIOf('a', 'Pending'), pod: pod('Pending'), phase: 'Scheduling', actions: [] },
  { name: 'Scheduling, pod pending on a node: stays', vmi: newVMIOf('a', 'Scheduling'), pod: pod('Pending', { node: 'n1' }), phase: 'Scheduling', actions: [] },
  { name: 'Scheduling, pod running: Scheduled on its node', vmi: newVMIOf('a', 'Scheduling'), pod: pod('Running', { node: 'n1' }), phase: 'Scheduled', actions: [], nodeName: 'n1' },
  { name: 'Scheduled stays for virt-handler', vmi: newVMIOf('a', 'Scheduled'), pod: pod('Running', { node: 'n1' }), phase: 'Scheduled', actions: [] },
  { name: 'Running, pod failed: left to virt-handler (or the node controller)', vmi: newVMIOf('a', 'Running'), pod: pod('Failed', { node: 'n1' }), phase: 'Running', actions: [] },
  { name: 'Failed by virt-handler, pod failed: delete the pod', vmi: newVMIOf('a', 'Failed'), pod: pod('Failed', { node: 'n1' }), phase: 'Failed', actions: ['deletePod'] },
  { name: 'Scheduling, pod failed: Failed', vmi: newVMIOf('a', 'Scheduling'), pod: pod('Failed'), phase: 'Failed', actions: ['deletePod'], reason: 'PodFailed' },
  { name: 'Running, pod gone: Failed', vmi: newVMIOf('a', 'Running', withFinalizer), phase: 'Failed', actions: ['removeFinalizer'], reason: 'PodVanished' },
  { name: 'Scheduled, pod gone: Failed', vmi: newVMIOf('a', 'Scheduled'), phase: 'Failed', actions: [], reason: 'PodVanished' },
  { name: 'Succeeded with a pod: delete it', vmi: newVMIOf('a', 'Succeeded', withFinalizer), pod: pod('Running'), phase: 'Succeeded', actions: ['deletePod'] },
  { name: 'Succeeded, pod terminating: wait', vmi: newVMIOf('a', 'Succeeded', withFinalizer), pod: pod('Running', { deleting: true }), phase: 'Succeeded', actions: [] },
  { name: 'Succeeded, pod gone: remove the finalizer', vmi: newVMIOf('a', 'Succeeded', withFinalizer), phase: 'Succeeded', actions: ['removeFinalizer'] },
  { name: 'final without the finalizer: nothing', vmi: newVMIOf('a', 'Failed'), phase: 'Failed', actions: [] },
  { name: 'deleted while Scheduling: delete the pod', vmi: newVMIOf('a', 'Scheduling', vmiDeleting), pod: pod('Pending'), phase: 'Scheduling', actions: ['deletePod'] },
  { name: 'deleted before a pod: Failed', vmi: newVMIOf('a', 'Pending', vmiDeleting, withFinalizer), phase: 'Failed', actions: ['removeFinalizer'] },
  { name: 'PVC missing: no pod yet', vmi: newVMIOf('a', 'Pending', withPVC), extra: { pvcs: pvcs() }, phase: 'Pending', actions: [] },
  { name: 'PVC present: create the pod', vmi: newVMIOf('a', 'Pending', withPVC), extra: { pvcs: pvcs('pvc') }, phase: 'Pending', actions: ['createPod'] },
  { name: 'DataVolume importing: no pod yet', vmi: newVMIOf('a', 'Pending', withDV), extra: { pvcs: pvcs('dv'), dataVolumes: dvs('ImportInProgress') }, phase: 'Pending', actions: [] },
  { name: 'DataVolume done: create the pod', vmi: newVMIOf('a', 'Pending', withDV), extra: { pvcs: pvcs('dv'), dataVolumes: dvs('Succeeded') }, phase: 'Pending', actions: ['createPod'] },
];
for (const c of phaseCases) {
  test(`phase: ${c.name}`, () => {
    const r = reconcileVMIStatus({ vmi: c.vmi, pod: c.pod, now, ...c.extra });
    assert.equal(r.status.phase, c.phase);
    assert.deepEqual(r.actions, c.actions);
    if (c.reason) assert.equal(r.status.reason, c.reason);
    if (c.nodeName) assert.equal(r.status.nodeName, c.nodeName);
  });
}

/** The VMI with virt-handler's Paused=True condition. */
const paused = (v: VirtualMachineInstance): VirtualMachineInstance => ({ ...v, status: { ...v.status, conditions: [...(v.status?.conditions ?? []), { type: 'Paused', status: 'True', reason: 'PausedByUser' }] } });
const cond = (vmi: VirtualMachineInstance, p: Pod | undefined, type: string, extra = {}) =>
  reconcileVMIStatus({ vmi, pod: p, now, ...extra }).status.conditions?.find((c) => c.type === type);

const condCases: { name: string; run: () => unknown; want: Record<string, unknown> | undefined }[] = [
  { name: 'PodScheduled copied', run: () => cond(newVMIOf('a', 'Scheduling'), pod('Pending', { conditions: [scheduled('False', 'Unschedulable')] }), 'PodScheduled'), want: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' } },
  { name: 'Ready from the pod', run: () => cond(newVMIOf('a', 'Running'), pod('Running', { node: 'n', conditions: [ready('True')] }), 'Ready'), want: { type: 'Ready', status: 'True' } },
  { name: 'Ready False while virt-handler reports the guest paused', run: () => cond(paused(newVMIOf('a', 'Running')), pod('Running', { node: 'n', conditions: [ready('True')] }), 'Ready'), want: { type: 'Ready', status: 'False', reason: 'Paused' } },
  { name: 'Ready False without a pod', run: () => cond(newVMIOf('a', 'Pending'), undefined, 'Ready'), want: { type: 'Ready', status: 'False', reason: 'PodNotExists' } },
  { name: 'Ready False while the pod terminates', run: () => cond(newVMIOf('a', 'Running'), pod('Running', { deleting: true, conditions: [ready('True')] }), 'Ready'), want: { type: 'Ready', status: 'False', reason: 'PodTerminating' } },
  { name: 'Ready False without the pod condition', run: () => cond(newVMIOf('a', 'Running'), pod('Running', { node: 'n' }), 'Ready'), want: { type: 'Ready', status: 'False', reason: 'PodConditionMissing' } },
  { name: "Ready False before the guest runs, whatever the pod's Ready says", run: () => cond(newVMIOf('a', 'Scheduling'), pod('Running', { node: 'n', conditions: [ready('True')] }), 'Ready'), want: { type: 'Ready', status: 'False', reason: 'GuestNotRunning' } },
  { name: 'PodScheduled True not copied', run: () => cond(newVMIOf('a', 'Scheduling', condition('PodScheduled', 'False', 'Unschedulable')), pod('Pending', { node: 'n', conditions: [scheduled('True')] }), 'PodScheduled'), want: undefined },
  { name: 'Ready False once final', run: () => cond(newVMIOf('a', 'Succeeded'), undefined, 'Ready'), want: { type: 'Ready', status: 'False', reason: 'GuestNotRunning' } },
  { name: 'Provisioning while a DataVolume imports', run: () => cond(newVMIOf('a', 'Pending', withDV), undefined, 'Provisioning', { pvcs: pvcs('dv'), dataVolumes: dvs('ImportInProgress') }), want: { type: 'Provisioning', status: 'True', reason: 'Provisioning' } },
  { name: 'no Provisioning once imported', run: () => cond(newVMIOf('a', 'Pending', withDV, condition('Provisioning', 'True')), undefined, 'Provisioning', { pvcs: pvcs('dv'), dataVolumes: dvs('Succeeded') }), want: undefined },
  { name: 'Synchronized False: PVC not found', run: () => cond(newVMIOf('a', 'Pending', withPVC), undefined, 'Synchronized', { pvcs: pvcs() }), want: { type: 'Synchronized', status: 'False', reason: 'FailedPvcNotFound' } },
  { name: 'Synchronized False: DataVolume not found', run: () => cond(newVMIOf('a', 'Pending', withDV), undefined, 'Synchronized', { pvcs: pvcs(), dataVolumes: new Map() }), want: { type: 'Synchronized', status: 'False', reason: 'FailedDataVolumeNotFound' } },
  { name: 'Synchronized False: image pull', run: () => cond(newVMIOf('a', 'Scheduling'), pod('Pending', { node: 'n', waiting: 'ErrImagePull' }), 'Synchronized'), want: { type: 'Synchronized', status: 'False', reason: 'ErrImagePull' } },
  { name: 'our Synchronized reason cleared when fixed', run: () => cond(newVMIOf('a', 'Scheduling', condition('Synchronized', 'False', 'ErrImagePull')), pod('Running', { node: 'n' }), 'Synchronized'), want: undefined },
  { name: "virt-handler's Synchronized kept", run: () => cond(newVMIOf('a', 'Running', condition('Synchronized', 'False', 'Other')), pod('Running', { node: 'n' }), 'Synchronized'), want: { type: 'Synchronized', status: 'False', reason: 'Other' } },
];
for (const c of condCases) {
  test(`conditions: ${c.name}`, () => {
    const got = c.run() as Record<string, unknown> | undefined;
    if (c.want === undefined) return assert.equal(got, undefined);
    assert.ok(got, 'condition present');
    for (const [k, v] of Object.entries(c.want)) assert.equal(got[k], v, k);
  });
}

test("a pod bound or progressing while the VMI is Scheduling changes nothing: the node is written with Scheduled (one write)", () => {
  const vmi = newVMIOf('a', 'Scheduling', (v) => (v.status = reconcileVMIStatus({ vmi: newVMIOf('a', 'Pending'), pod: pod('Pending'), now }).status));
  for (const p of [pod('Pending', { node: 'n1' }), pod('Pending', { node: 'n1', conditions: [scheduled('True'), ready('False')] })]) {
    assert.deepEqual(reconcileVMIStatus({ vmi, pod: p, now: new Date('2026-01-01T00:01:00Z') }).status, vmi.status);
  }
  assert.equal(reconcileVMIStatus({ vmi, pod: pod('Running', { node: 'n1' }), now }).status.nodeName, 'n1');
});

test('phase transitions are timestamped; unchanged conditions keep their time', () => {
  const first = reconcileVMIStatus({ vmi: newVMIOf('a', 'Pending'), pod: pod('Pending'), now });
  assert.deepEqual(first.status.phaseTransitionTimestamps, [{ phase: 'Scheduling', phaseTransitionTimestamp: '2026-01-01T00:00:00Z' }]);
  const vmi = newVMIOf('a', 'Scheduling', (v) => (v.status = first.status));
  const second = reconcileVMIStatus({ vmi, pod: pod('Pending'), now: new Date('2026-01-01T00:05:00Z') });
  assert.deepEqual(second.status, first.status, 'nothing changed: identical status (no write)');
});

const withNodeLabel = (node: string) => (v: VirtualMachineInstance) => (v.metadata!.labels = { app: 'web', 'kubevirt.io/nodeName': node });
const scheduledOn = (node: string) => (v: VirtualMachineInstance) => (v.status = { ...v.status, nodeName: node });
const labelCases: { name: string; vmi: VirtualMachineInstance; pod?: Pod; labels: Record<string, string> | undefined }[] = [
  { name: 'set with Scheduled and status.nodeName, other labels kept', vmi: newVMIOf('a', 'Scheduling', (v) => (v.metadata!.labels = { app: 'web' })), pod: pod('Running', { node: 'n1' }), labels: { app: 'web', 'kubevirt.io/nodeName': 'n1' } },
  { name: 'not before the VMI is Scheduled', vmi: newVMIOf('a', 'Scheduling'), pod: pod('Pending', { node: 'n1' }), labels: undefined },
  { name: 'not re-written once set', vmi: newVMIOf('a', 'Running', scheduledOn('n1'), withNodeLabel('n1')), pod: pod('Running', { node: 'n1', conditions: [ready('True')] }), labels: undefined },
  { name: 'added to a running VMI labelled by nobody (scheduled before the label existed)', vmi: newVMIOf('a', 'Running', scheduledOn('n1')), pod: pod('Running', { node: 'n1' }), labels: { 'kubevirt.io/nodeName': 'n1' } },
  { name: 'follows status.nodeName', vmi: newVMIOf('a', 'Running', scheduledOn('n2'), withNodeLabel('n1')), pod: pod('Running', { node: 'n2' }), labels: { app: 'web', 'kubevirt.io/nodeName': 'n2' } },
  { name: 'never added to a final VMI', vmi: newVMIOf('a', 'Failed', scheduledOn('n1')), labels: undefined },
];
for (const c of labelCases) {
  test(`kubevirt.io/nodeName label: ${c.name}`, () => {
    assert.deepEqual(reconcileVMIStatus({ vmi: c.vmi, pod: c.pod, now }).labels, c.labels);
  });
}

test('the label comes with Scheduled and status.nodeName in one result, and a second pass changes nothing', () => {
  const vmi = newVMIOf('a', 'Scheduling');
  const first = reconcileVMIStatus({ vmi, pod: pod('Running', { node: 'n1' }), now });
  assert.equal(first.status.phase, 'Scheduled');
  assert.equal(first.status.nodeName, 'n1');
  assert.equal(first.labels?.['kubevirt.io/nodeName'], 'n1');
  const written: VirtualMachineInstance = { ...vmi, metadata: { ...vmi.metadata, labels: { ...first.labels } }, status: first.status };
  const second = reconcileVMIStatus({ vmi: written, pod: pod('Running', { node: 'n1' }), now });
  assert.equal(second.labels, undefined);
  assert.deepEqual(second.status, first.status);
});
