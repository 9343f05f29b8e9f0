import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeHealthUpdate, UNREACHABLE_TAINT } from './node-lifecycle.js';
import type { Node } from './kubelet/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const readyNode = (status: 'True' | 'Unknown', heartbeat: number, taints: unknown[] = []): Node => ({
  metadata: { name: 'node01', creationTimestamp: at(0) },
  spec: { taints },
  status: { conditions: [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'm', lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
    { type: 'Ready', status, reason: 'KubeletReady', message: 'r', lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
  ] },
});
const taint = (effect: string) => ({ key: UNREACHABLE_TAINT, effect, timeAdded: at(100) });

test('a node goes Unknown and unreachable only after the grace period, and recovers when Ready again', () => {
  // [node, lease renewTime, now (s), want]
  const cases: [string, Node, string | undefined, number, 'none' | 'unknown' | 'untaint'][] = [
    ['fresh lease', readyNode('True', 0), at(90), 100, 'none'],
    ['fresh heartbeat, no lease', readyNode('True', 90), undefined, 100, 'none'],
    ['stale lease and heartbeat', readyNode('True', 10), at(40), 100, 'unknown'],
    ['exactly at the grace period', readyNode('True', 10), at(50), 100, 'none'],
    ['already Unknown and tainted', readyNode('Unknown', 10, [taint('NoSchedule'), taint('NoExecute')]), at(10), 200, 'none'],
    ['back and Ready', readyNode('True', 199, [taint('NoSchedule'), taint('NoExecute'), { key: 'other', effect: 'NoSchedule' }]), at(199), 200, 'untaint'],
  ];
  for (const [name, node, lease, now, want] of cases) {
    const u = nodeHealthUpdate(node, lease, T0 + now * 1000, 50_000);
    if (want === 'none') assert.equal(u, undefined, name);
    if (want === 'unknown') {
      assert.deepEqual(u?.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime]), [
        ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(now)],
        ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', at(now)],
      ], name);
      assert.deepEqual(u?.taints, [taint('NoSchedule'), taint('NoExecute')].map((t) => ({ ...t, timeAdded: at(now) })), name);
    }
    if (want === 'untaint') assert.deepEqual(u, { taints: [{ key: 'other', effect: 'NoSchedule' }] }, name);
  }
});
