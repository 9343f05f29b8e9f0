import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import type { Node, Pod } from '../pod.js';
import { isNodeUnresponsive, isPodAlive, stuckVMIs } from './unresponsive.js';

const now = new Date('2026-01-01T00:10:00Z');
const node = (annotations?: Record<string, string>): Node => ({ metadata: { name: 'n1', ...(annotations ? { annotations } : {}) } });

const nodes: [string, Node | undefined, boolean][] = [
  ['gone', undefined, true],
  ['never heartbeated', node(), false],
  ['fresh heartbeat', node({ 'kubevirt.io/heartbeat': '2026-01-01T00:08:00Z' }), false],
  ['stale heartbeat', node({ 'kubevirt.io/heartbeat': '2026-01-01T00:04:59Z' }), true],
  ['unparsable heartbeat', node({ 'kubevirt.io/heartbeat': 'soon' }), false],
];
for (const [name, n, want] of nodes) test(`isNodeUnresponsive: ${name}`, () => assert.equal(isNodeUnresponsive(n, 5 * 60_000, now), want));

function pod(vmiUid: string, nodeName: string, phase?: 'Running' | 'Failed', terminated = false): Pod {
  return {
    metadata: { name: `p-${vmiUid}`, namespace: 'default', ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: vmiUid, uid: vmiUid, controller: true }] },
    spec: { containers: [], nodeName },
    status: { ...(phase ? { phase } : {}), ...(terminated ? { containerStatuses: [{ name: 'compute', state: { terminated: { exitCode: 137 } } }] } : {}) },
  };
}
const vmi = (uid: string, nodeName: string, phase: 'Running' | 'Failed' | 'Scheduled' = 'Running'): VirtualMachineInstance => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: uid, namespace: 'default', uid }, spec: { domain: { devices: {} } }, status: { phase, nodeName },
});

const pods: [string, Pod, boolean][] = [
  ['pending', pod('a', 'n1'), true],
  ['running', pod('a', 'n1', 'Running'), true],
  ['failed', pod('a', 'n1', 'Failed'), false],
  ['all containers terminated', pod('a', 'n1', 'Running', true), false],
];
for (const [name, p, want] of pods) test(`isPodAlive: ${name}`, () => assert.equal(isPodAlive(p), want));

test('stuckVMIs: active VMIs of the node without a live launcher pod there', () => {
  const vmis = [vmi('alive', 'n1'), vmi('dead-pod', 'n1'), vmi('no-pod', 'n1', 'Scheduled'), vmi('done', 'n1', 'Failed'), vmi('elsewhere', 'n2')];
  const ps = [pod('alive', 'n1', 'Running'), pod('dead-pod', 'n1', 'Failed'), pod('elsewhere', 'n2', 'Running')];
  assert.deepEqual(stuckVMIs('n1', vmis, ps).map((v) => v.metadata?.name), ['dead-pod', 'no-pod']);
});
