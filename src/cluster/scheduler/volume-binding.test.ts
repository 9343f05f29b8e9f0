import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../storage/types.js';
import { schedule } from './schedule.js';
import type { Node, Pod } from './types.js';
import { checkPodClaims, claimsToSelect, podClaimNames, volumeConflict, type StorageView } from './volume-binding.js';

const node = (name: string): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const nodes = [node('node01'), node('node02')];

const classes: StorageClass[] = [
  { metadata: { name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubevirt-ts.io/local', volumeBindingMode: 'WaitForFirstConsumer' },
  { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' },
];
const pinned = (name: string, on: string): PersistentVolume => ({
  metadata: { name },
  spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [on] }] }] } } },
});
const claim = (name: string, o: { class?: string; volume?: string; bound?: boolean; selected?: string; deleting?: boolean } = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'ns', ...(o.selected ? { annotations: { 'volume.kubernetes.io/selected-node': o.selected } } : {}), ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { ...(o.class ? { storageClassName: o.class } : {}), ...(o.volume ? { volumeName: o.volume } : {}) },
  status: { phase: o.bound ? 'Bound' : 'Pending' },
});
const claims = [
  claim('wffc'),
  claim('selected', { selected: 'node02' }),
  claim('immediate', { class: 'fast' }),
  claim('on-node01', { volume: 'pv1', bound: true }),
  claim('binding', { volume: 'pv1' }),
  claim('gone', { deleting: true }),
];
const view: StorageView = {
  claims: (k) => claims.find((c) => `ns/${c.metadata?.name}` === k),
  volumes: (n) => (n === 'pv1' ? pinned('pv1', 'node01') : undefined),
  classes,
};
const pod = (...claimNames: string[]): Pod => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [{ name: 'c' }], volumes: [{ name: 'scratch' }, ...claimNames.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } }))] },
});

test('podClaimNames lists each referenced claim once', () => {
  assert.deepEqual(podClaimNames(pod('a', 'b', 'a')), ['a', 'b']);
});

test('the volume binding decides where a pod with claims may go and what it waits for', () => {
  const cases: { claims: string[]; want: string; select?: string[] }[] = [
    { claims: [], want: 'node01' },
    { claims: ['missing'], want: 'persistentvolumeclaim "missing" not found' },
    { claims: ['gone'], want: 'persistentvolumeclaim "gone" is being deleted' },
    { claims: ['immediate'], want: 'pod has unbound immediate PersistentVolumeClaims' },
    { claims: ['wffc'], want: 'node01', select: ['wffc'] },
    { claims: ['selected'], want: 'node02', select: [] },
    { claims: ['on-node01'], want: 'node01', select: [] },
    { claims: ['binding'], want: 'node01', select: [] },
    { claims: ['on-node01', 'selected'], want: '0/2 nodes are available: 2 node(s) had volume node affinity conflict.' },
  ];
  for (const c of cases) {
    const p = pod(...c.claims);
    const check = checkPodClaims(p, view);
    if ('message' in check) {
      assert.equal(check.message, c.want, c.claims.join());
      continue;
    }
    const decision = schedule(p, nodes, [], (n) => volumeConflict(check, n));
    assert.equal('node' in decision ? decision.node : decision.message, c.want, c.claims.join());
    if ('node' in decision) assert.deepEqual(claimsToSelect(check, decision.node).map((x) => x.metadata?.name), c.select ?? [], c.claims.join());
  }
});
