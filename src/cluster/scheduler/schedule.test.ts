import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedule, unschedulableMessage } from './schedule.js';
import type { Node, Pod, PodSpec } from './types.js';

function node(name: string, o: { labels?: Record<string, string>; cpu?: string; memory?: string; extra?: Record<string, string>; taints?: NonNullable<Node['spec']>['taints']; unschedulable?: boolean; ready?: 'True' | 'False' } = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { unschedulable: o.unschedulable ?? false, taints: o.taints ?? [] },
    status: {
      allocatable: { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: '110', ...o.extra },
      conditions: [{ type: 'Ready', status: o.ready ?? 'True' }],
    },
  };
}

let seq = 0;
function pod(spec: Partial<PodSpec> & { requests?: Record<string, string>; labels?: Record<string, string>; phase?: string } = {}): Pod {
  const { requests, labels, phase, ...rest } = spec;
  seq += 1;
  return {
    metadata: { name: `p${seq}`, namespace: 'default', uid: `u${seq}`, labels: labels ?? {} },
    spec: { containers: [{ name: 'c', resources: { requests: requests ?? {} } }], ...rest },
    status: { phase: phase ?? 'Pending' },
  };
}

test('fits a pod on the least loaded node', () => {
  const nodes = [node('node01'), node('node02')];
  const busy = pod({ nodeName: 'node01', requests: { cpu: '1' } });
  assert.deepEqual(schedule(pod({ requests: { cpu: '500m' } }), nodes, [busy]), { node: 'node02' });
});

const cases: { name: string; nodes: Node[]; pod: Pod; placed?: Pod[]; want: string }[] = [
  {
    name: 'insufficient cpu and memory counted per node',
    nodes: [node('node01', { cpu: '1' }), node('node02', { memory: '1Gi' })],
    pod: pod({ requests: { cpu: '1500m', memory: '2Gi' } }),
    want: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
  },
  {
    name: 'extended resource missing',
    nodes: [node('node01')],
    pod: pod({ requests: { 'devices.kubevirt.io/kvm': '1' } }),
    want: '0/1 nodes are available: 1 Insufficient devices.kubevirt.io/kvm.',
  },
  {
    name: 'node selector',
    nodes: [node('node01'), node('node02', { labels: { 'kubevirt.io/schedulable': 'false' } })],
    pod: pod({ nodeSelector: { 'kubevirt.io/schedulable': 'true' } }),
    want: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
  },
  {
    name: 'taint not tolerated and cordoned node',
    nodes: [node('node01', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), node('node02', { unschedulable: true })],
    pod: pod(),
    want: '0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.',
  },
  {
    name: 'not ready node',
    nodes: [node('node01', { ready: 'False' })],
    pod: pod(),
    want: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
  },
];
for (const c of cases) {
  test(`unschedulable: ${c.name}`, () => {
    assert.deepEqual(schedule(c.pod, c.nodes, c.placed ?? []), { message: c.want });
  });
}

test('tolerations admit tainted nodes; Exists with no key tolerates everything', () => {
  const nodes = [node('node01', { taints: [{ key: 'a', value: 'b', effect: 'NoExecute' }] })];
  assert.deepEqual(schedule(pod({ tolerations: [{ key: 'a', operator: 'Equal', value: 'b' }] }), nodes, []), { node: 'node01' });
  assert.deepEqual(schedule(pod({ tolerations: [{ operator: 'Exists' }] }), nodes, []), { node: 'node01' });
  assert.ok('message' in schedule(pod({ tolerations: [{ key: 'a', operator: 'Equal', value: 'c' }] }), nodes, []));
});

test('required node affinity with In/NotIn/Gt and matchFields', () => {
  const nodes = [node('node01', { labels: { zone: 'a', gen: '3' } }), node('node02', { labels: { zone: 'b', gen: '5' } })];
  const aff = (exprs: object[], fields: object[] = []) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs, matchFields: fields } as never] } } } });
  assert.deepEqual(schedule(aff([{ key: 'zone', operator: 'In', values: ['b'] }]), nodes, []), { node: 'node02' });
  assert.deepEqual(schedule(aff([{ key: 'zone', operator: 'NotIn', values: ['b'] }]), nodes, []), { node: 'node01' });
  assert.deepEqual(schedule(aff([{ key: 'gen', operator: 'Gt', values: ['4'] }]), nodes, []), { node: 'node02' });
  assert.deepEqual(schedule(aff([], [{ key: 'metadata.name', operator: 'In', values: ['node01'] }]), nodes, []), { node: 'node01' });
});

test('preferred node affinity outweighs spreading', () => {
  const nodes = [node('node01', { labels: { fast: 'yes' } }), node('node02')];
  const busy = pod({ nodeName: 'node01', requests: { cpu: '1' } });
  const p = pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'fast', operator: 'Exists' }] } }] } } });
  assert.deepEqual(schedule(p, nodes, [busy]), { node: 'node01' });
});

test('pod anti-affinity on hostname keeps replicas apart; affinity draws them together', () => {
  const nodes = [node('node01'), node('node02')];
  const term = { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' };
  const first = pod({ nodeName: 'node01', labels: { app: 'x' } });
  const anti = pod({ labels: { app: 'x' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } });
  assert.deepEqual(schedule(anti, nodes, [first]), { node: 'node02' });
  const second = pod({ nodeName: 'node02', labels: { app: 'x' } });
  assert.deepEqual(schedule(anti, nodes, [first, second]), { message: "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules." });
  const withAff = pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } });
  assert.deepEqual(schedule(withAff, nodes, [second]), { node: 'node02' });
  // The first pod of a group whose affinity selects itself may go anywhere.
  const self = pod({ labels: { app: 'x' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } });
  assert.ok('node' in schedule(self, nodes, []));
});

test('finished pods free their resources; nodeName pins', () => {
  const nodes = [node('node01', { cpu: '1' }), node('node02')];
  const done = pod({ nodeName: 'node01', requests: { cpu: '1' }, phase: 'Succeeded' });
  assert.deepEqual(schedule(pod({ nodeName: 'node01', requests: { cpu: '1' } }), nodes, [done]), { node: 'node01' });
  assert.equal(unschedulableMessage(0, []), 'no nodes available to schedule pods');
});
