import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerKey, podChanged, podInfo, type LauncherPodObject } from './launcher-pods.js';

const pod = (phase: string, extra: Partial<LauncherPodObject['status']> = {}, uid = 'p1'): LauncherPodObject => ({
  metadata: { name: `virt-launcher-${uid}`, namespace: 'ns', uid, ownerReferences: [{ kind: 'VirtualMachineInstance', name: 'vm1', controller: true }] },
  spec: { containers: [{ name: 'sidecar', image: 'other' }, { name: 'compute', image: 'kubevirt-ts/virt-launcher:v1' }] },
  status: { phase, ...extra },
});

test('podInfo picks the live pod and reads IPs, QoS and the compute image', () => {
  const table: { name: string; pods: LauncherPodObject[]; want: ReturnType<typeof podInfo> }[] = [
    { name: 'none', pods: [], want: { alive: false, final: false } },
    { name: 'only final pods', pods: [pod('Failed'), pod('Succeeded', {}, 'p2')], want: { alive: false, final: true } },
    {
      name: 'a failed old pod and a running new one',
      pods: [pod('Failed'), pod('Running', { podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], qosClass: 'Burstable' }, 'p2')],
      want: { alive: true, uid: 'p2', podIP: '10.0.0.5', podIPs: ['10.0.0.5', 'fd00::5'], qosClass: 'Burstable', image: 'kubevirt-ts/virt-launcher:v1' },
    },
  ];
  for (const row of table) assert.deepEqual(podInfo(row.pods), row.want, row.name);
});

test('ownerKey names the controlling VMI; podChanged only on phase, IP or QoS', () => {
  assert.equal(ownerKey(pod('Running')), 'ns/vm1');
  assert.equal(ownerKey({ metadata: { namespace: 'ns', ownerReferences: [{ kind: 'VirtualMachineInstance', name: 'x' }] } }), undefined);
  assert.equal(ownerKey({ metadata: { namespace: 'ns' } }), undefined);
  const table: [LauncherPodObject, LauncherPodObject, boolean][] = [
    [pod('Pending'), pod('Running'), true],
    [pod('Running'), pod('Running', { podIP: '10.0.0.1' }), true],
    [pod('Running', { qosClass: 'Burstable' }), pod('Running', { qosClass: 'Guaranteed' }), true],
    [pod('Running', { podIP: '10.0.0.1' }), pod('Running', { podIP: '10.0.0.1' }), false],
  ];
  for (const [a, b, want] of table) assert.equal(podChanged(a, b), want, JSON.stringify([a.status, b.status]));
});
