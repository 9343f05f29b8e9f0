import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { schedule } from './schedule.js';
import type { Node, Pod } from './types.js';

const node = (name: string, kvm = '2'): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'devices.kubevirt.io/kvm': kvm }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (name: string, nodeName?: string): Pod => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', resources: { requests: { cpu: '1', 'devices.kubevirt.io/kvm': '1' } } }] },
  status: { phase: 'Pending' },
});

type Step =
  | { readonly op: 'assume' | 'add'; readonly pod: string; readonly node: string }
  | { readonly op: 'finish' | 'forget' | 'remove'; readonly pod: string }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'cleanup'; readonly want: readonly string[] };

const apply = (cache: SchedulerCache, s: Step): void => {
  if ('node' in s) return s.op === 'assume' ? cache.assumePod(pod(s.pod, s.node)) : cache.addPod(pod(s.pod, s.node));
  if ('want' in s) return assert.deepEqual(cache.cleanupExpired(), s.want);
  if ('ms' in s) return;
  const key = `ns/${s.pod}`;
  if (s.op === 'finish') cache.finishBinding(key);
  else if (s.op === 'forget') cache.forgetPod(key);
  else cache.removePod(key);
};

/** Replays steps on a cache with a TTL of 1000 ms, then asks where a new pod fits. */
function replay(steps: readonly Step[]): { cache: SchedulerCache; next: string } {
  let clock = 0;
  const cache = new SchedulerCache({ assumedTtlMs: 1000, now: () => clock });
  cache.setNode(node('node01', '1'));
  for (const s of steps) {
    if ('ms' in s) clock += s.ms;
    apply(cache, s);
  }
  const snap = cache.snapshot();
  const d = schedule(pod('new'), snap.nodes, snap.pods);
  return { cache, next: 'node' in d ? d.node : d.message };
}

const FULL = '0/1 nodes are available: 1 Insufficient devices.kubevirt.io/kvm.';
const cases: { name: string; steps: Step[]; want: string; assumed?: boolean }[] = [
  { name: 'empty node takes the pod', steps: [], want: 'node01' },
  { name: 'an assumed pod holds the node', steps: [{ op: 'assume', pod: 'a', node: 'node01' }], want: FULL, assumed: true },
  { name: 'a forgotten assumption frees it', steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'forget', pod: 'a' }], want: 'node01', assumed: false },
  {
    name: 'a confirmed pod never expires',
    steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'finish', pod: 'a' }, { op: 'add', pod: 'a', node: 'node01' }, { op: 'advance', ms: 5000 }, { op: 'cleanup', want: [] }],
    want: FULL,
    assumed: false,
  },
  {
    name: 'confirmed before the bind returned: finishing changes nothing',
    steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'add', pod: 'a', node: 'node01' }, { op: 'finish', pod: 'a' }, { op: 'advance', ms: 5000 }, { op: 'cleanup', want: [] }],
    want: FULL,
    assumed: false,
  },
  {
    name: 'forgetting a confirmed pod keeps it (a late bind error after the informer saw it bound)',
    steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'add', pod: 'a', node: 'node01' }, { op: 'forget', pod: 'a' }],
    want: FULL,
  },
  {
    name: 'an unconfirmed bound pod expires after the TTL',
    steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'finish', pod: 'a' }, { op: 'advance', ms: 999 }, { op: 'cleanup', want: [] }, { op: 'advance', ms: 1 }, { op: 'cleanup', want: ['ns/a'] }],
    want: 'node01',
    assumed: false,
  },
  {
    name: 'a bind still in flight never expires',
    steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'advance', ms: 60_000 }, { op: 'cleanup', want: [] }],
    want: FULL,
    assumed: true,
  },
  { name: 'a deleted pod frees the node', steps: [{ op: 'add', pod: 'a', node: 'node01' }, { op: 'remove', pod: 'a' }], want: 'node01' },
  { name: 'a deleted assumed pod is no longer assumed', steps: [{ op: 'assume', pod: 'a', node: 'node01' }, { op: 'remove', pod: 'a' }], want: 'node01', assumed: false },
];
for (const c of cases) {
  test(`scheduler cache: ${c.name}`, () => {
    const { cache, next } = replay(c.steps);
    assert.equal(next, c.want);
    if (c.assumed !== undefined) assert.equal(cache.isAssumed('ns/a'), c.assumed);
  });
}

test('scheduler cache: pods assumed one after another fill two nodes and never overcommit them', () => {
  const cache = new SchedulerCache();
  cache.setNode(node('node01', '3'));
  cache.setNode(node('node02', '2'));
  const placed: string[] = [];
  for (let i = 0; i < 8; i++) {
    const p = pod(`p${i}`);
    const snap = cache.snapshot();
    const d = schedule(p, snap.nodes, snap.pods);
    if ('message' in d) {
      assert.equal(d.message, '0/2 nodes are available: 2 Insufficient devices.kubevirt.io/kvm.');
      continue;
    }
    cache.assumePod({ ...p, spec: { ...p.spec, nodeName: d.node } });
    placed.push(d.node);
  }
  assert.equal(placed.filter((n) => n === 'node01').length, 3);
  assert.equal(placed.filter((n) => n === 'node02').length, 2);
});

test('scheduler cache: assuming a pod twice or without a node is refused', () => {
  const cache = new SchedulerCache();
  cache.assumePod(pod('a', 'node01'));
  assert.throws(() => cache.assumePod(pod('a', 'node01')), /already in the scheduler cache/);
  assert.throws(() => cache.assumePod(pod('b')), /has no node/);
});
