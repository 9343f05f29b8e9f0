import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodStatus, podPhase, qosClass, statusChanged } from './pod-status.js';
import type { ContainerState, ContainerStatus, Pod } from './types.js';

const cs = (name: string, state: ContainerState, ready = false, lastState: ContainerState = {}): ContainerStatus => ({ name, state, lastState, ready, restartCount: 0, image: 'i', imageID: '' });
const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const exit = (exitCode: number): ContainerState => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } });
const waiting = { waiting: { reason: 'ContainerCreating' } };
const podWith = (restartPolicy?: 'Always' | 'OnFailure' | 'Never', resources?: object): Pod => ({ metadata: { name: 'p', namespace: 'd' }, spec: { restartPolicy, containers: [{ name: 'a', resources }] } });

test('podPhase follows kubelet getPhase', () => {
  const cases: [string, Pod, ContainerStatus[], ContainerStatus[], string][] = [
    ['init pending', podWith(), [cs('i', waiting)], [cs('a', waiting)], 'Pending'],
    ['init failed Never', podWith('Never'), [cs('i', exit(1))], [cs('a', waiting)], 'Failed'],
    ['init failed Always', podWith('Always'), [cs('i', exit(1))], [cs('a', waiting)], 'Pending'],
    ['running', podWith(), [cs('i', exit(0))], [cs('a', running)], 'Running'],
    ['waiting', podWith(), [], [cs('a', waiting)], 'Pending'],
    ['crashloop', podWith('Always'), [], [cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, false, exit(1))], 'Running'],
    ['done ok Never', podWith('Never'), [], [cs('a', exit(0))], 'Succeeded'],
    ['done bad Never', podWith('Never'), [], [cs('a', exit(2))], 'Failed'],
    ['done bad OnFailure', podWith('OnFailure'), [], [cs('a', exit(2))], 'Running'],
    ['done ok OnFailure', podWith('OnFailure'), [], [cs('a', exit(0))], 'Succeeded'],
  ];
  for (const [name, pod, init, main, want] of cases) assert.equal(podPhase(pod, init, main), want, name);
});

test('qosClass', () => {
  const cases: [object | undefined, string][] = [
    [undefined, 'BestEffort'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, 'Burstable'],
  ];
  for (const [r, want] of cases) assert.equal(qosClass(podWith('Always', r)), want);
});

test('computePodStatus sets conditions and keeps transition times while unchanged', () => {
  const pod = podWith();
  const facts = { hostIP: '127.0.0.1', startTime: 'T0', now: 'T1' };
  const s1 = computePodStatus(pod, [], [cs('a', running, false)], facts);
  assert.equal(s1.phase, 'Running');
  const ready = s1.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.message, 'containers with unready status: [a]');
  const s2 = computePodStatus({ ...pod, status: s1 }, [], [cs('a', running, false)], { ...facts, now: 'T2' });
  assert.equal(statusChanged(s1, s2), false);
  assert.equal(s2.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, 'T1');
  const s3 = computePodStatus({ ...pod, status: s2 }, [], [cs('a', running, true)], { ...facts, now: 'T3' });
  assert.equal(statusChanged(s2, s3), true);
  assert.equal(s3.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, 'T3');
  assert.equal(s3.qosClass, 'BestEffort');
  assert.equal(s3.podIP, undefined);
  assert.equal(computePodStatus({ ...pod, spec: { ...pod.spec, hostNetwork: true } }, [], [], facts).podIP, '127.0.0.1');
});
