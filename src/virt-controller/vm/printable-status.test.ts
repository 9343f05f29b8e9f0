import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolumeClaim, Pod } from '../pod.js';
import { printableStatus, type DataVolumeLike, type PrintableStatus, type PrintableStatusInput } from './printable-status.js';
import { condition, newVM, newVMIOf, status, strategy, vmDeleting, vmiDeleting } from './testing.js';

const now = new Date('2026-01-01T00:10:00Z');
const withDV = newVM('a', strategy('Always'), (vm) => (vm.spec.template.spec!.volumes = [{ name: 'd', dataVolume: { name: 'dv' } }]));
const withPVC = newVM('a', strategy('Always'), (vm) => (vm.spec.template.spec!.volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'pvc' } }]));
const pvc = (phase: 'Pending' | 'Bound'): ReadonlyMap<string, PersistentVolumeClaim> => new Map([['pvc', { metadata: { name: 'pvc' }, status: { phase } }]]);
const dv = (phase: string, bound = true): ReadonlyMap<string, DataVolumeLike> => new Map([['dv', { status: { phase, conditions: [{ type: 'Bound', status: bound ? 'True' : 'False' }] } }]]);
const podWaiting = (reason: string): Pod => ({ metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Pending', containerStatuses: [{ name: 'compute', state: { waiting: { reason } } }] } });

const cases: [string, Omit<PrintableStatusInput, 'now'>, PrintableStatus][] = [
  ['VM deleting', { vm: newVM('a', strategy('Always'), vmDeleting), vmi: newVMIOf('a', 'Running') }, 'Terminating'],
  ['VMI deleting', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Running', vmiDeleting) }, 'Stopping'],
  ['Halted with a live VMI', { vm: newVM('a', strategy('Halted')), vmi: newVMIOf('a', 'Running') }, 'Stopping'],
  ['migrating', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Running', (v) => (v.status!.migrationState = { targetNode: 'n2' })) }, 'Migrating'],
  ['paused', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Running', condition('Paused', 'True')) }, 'Paused'],
  ['running', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Running') }, 'Running'],
  ['PVC missing', { vm: withPVC, vmi: newVMIOf('a', 'Pending', condition('Synchronized', 'False', 'FailedPvcNotFound')) }, 'ErrorPvcNotFound'],
  ['DataVolume missing', { vm: withDV, vmi: newVMIOf('a', 'Pending', condition('Synchronized', 'False', 'FailedDataVolumeNotFound')) }, 'ErrorDataVolumeNotFound'],
  ['DataVolume failed', { vm: withDV, dataVolumes: dv('Failed') }, 'DataVolumeError'],
  ['unschedulable', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Scheduling', condition('PodScheduled', 'False', 'Unschedulable')) }, 'ErrorUnschedulable'],
  ['DataVolume importing', { vm: withDV, dataVolumes: dv('ImportInProgress') }, 'Provisioning'],
  ['DataVolume not bound is not provisioning', { vm: withDV, dataVolumes: dv('Pending', false) }, 'Starting'],
  ['PVC pending', { vm: withPVC, pvcs: pvc('Pending') }, 'WaitingForVolumeBinding'],
  ['PVC bound', { vm: withPVC, pvcs: pvc('Bound') }, 'Starting'],
  ['image pull error from the pod', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Scheduling'), pod: podWaiting('ErrImagePull') }, 'ErrImagePull'],
  ['image pull error from the condition', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Scheduling', condition('Synchronized', 'False', 'ErrImagePull')) }, 'ErrImagePull'],
  ['image pull back-off', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Scheduling'), pod: podWaiting('ImagePullBackOff') }, 'ImagePullBackOff'],
  ['Always, no VMI yet', { vm: newVM('a', strategy('Always')) }, 'Starting'],
  ['VMI Pending', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Pending') }, 'Starting'],
  ['VMI without phase', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', undefined) }, 'Starting'],
  ['VMI Scheduled', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Scheduled') }, 'Starting'],
  ['back-off pending', { vm: newVM('a', strategy('Always'), status({ startFailure: { consecutiveFailCount: 2, retryAfterTimestamp: '2026-01-01T00:11:00Z' } })) }, 'CrashLoopBackOff'],
  ['back-off with a failed VMI', { vm: newVM('a', strategy('RerunOnFailure'), status({ startFailure: { consecutiveFailCount: 1, retryAfterTimestamp: '2026-01-01T00:11:00Z' } })), vmi: newVMIOf('a', 'Failed') }, 'CrashLoopBackOff'],
  ['Halted, no VMI', { vm: newVM('a', strategy('Halted')) }, 'Stopped'],
  ['Manual, no VMI', { vm: newVM('a', strategy('Manual')) }, 'Stopped'],
  ['RerunOnFailure, VMI Succeeded', { vm: newVM('a', strategy('RerunOnFailure')), vmi: newVMIOf('a', 'Succeeded') }, 'Stopped'],
  ['VMI Unknown', { vm: newVM('a', strategy('Always')), vmi: newVMIOf('a', 'Unknown') }, 'Unknown'],
];
for (const [name, input, want] of cases) test(`printableStatus: ${name} -> ${want}`, () => assert.equal(printableStatus({ ...input, now }), want));
