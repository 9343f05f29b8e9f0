import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimClass, findMatchingVolume, mismatch } from './matcher.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';

type PVSpec = NonNullable<PersistentVolume['spec']>;
type PVCSpec = NonNullable<PersistentVolumeClaim['spec']>;

const pv = (name: string, spec: Partial<PVSpec> = {}, labels?: Record<string, string>): PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', ...spec },
});
const pvc = (spec: Partial<PVCSpec> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'ns', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } }, storageClassName: 'manual', ...spec },
});
const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
const onNode = (n: string): Partial<PVSpec> => ({
  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n] }] }] } },
});

test('mismatch explains why a volume cannot bind a claim', () => {
  const cases: [string, PersistentVolume, PersistentVolumeClaim, string | undefined, ReturnType<typeof node> | undefined][] = [
    ['fits', pv('a'), pvc(), undefined, undefined],
    ['class', pv('a', { storageClassName: 'other' }), pvc(), 'storageClassName differs', undefined],
    ['capacity', pv('a', { capacity: { storage: '100Mi' } }), pvc(), 'capacity too small', undefined],
    ['exact capacity', pv('a', { capacity: { storage: '500Mi' } }), pvc(), undefined, undefined],
    ['access modes', pv('a'), pvc({ accessModes: ['ReadWriteMany'] }), 'accessModes not offered', undefined],
    ['superset of modes', pv('a', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pvc({ accessModes: ['ReadOnlyMany'] }), undefined, undefined],
    ['volume mode', pv('a', { volumeMode: 'Block' }), pvc(), 'volumeMode differs', undefined],
    ['selector', pv('a', {}, { tier: 'slow' }), pvc({ selector: { matchLabels: { tier: 'fast' } } }), 'selector does not match', undefined],
    ['selector ok', pv('a', {}, { tier: 'fast' }), pvc({ selector: { matchLabels: { tier: 'fast' } } }), undefined, undefined],
    ['other claim', pv('a', { claimRef: { namespace: 'ns', name: 'other' } }), pvc(), 'bound to another claim', undefined],
    ['stale uid', pv('a', { claimRef: { namespace: 'ns', name: 'data', uid: 'old' } }), pvc(), 'bound to another claim', undefined],
    ['node affinity', pv('a', onNode('node01')), pvc(), 'node affinity conflict', node('node02')],
    ['node affinity ok', pv('a', onNode('node01')), pvc(), undefined, node('node01')],
    ['released', { ...pv('a'), status: { phase: 'Released' } }, pvc(), 'phase Released', undefined],
  ];
  for (const [name, v, c, want, n] of cases) assert.equal(mismatch(c, v, 'manual', n), want, name);
});

test('findMatchingVolume prefers volumeName, then pre-bound, then the smallest fit', () => {
  const small = pv('small', { capacity: { storage: '600Mi' } });
  const big = pv('big', { capacity: { storage: '10Gi' } });
  const tiny = pv('tiny', { capacity: { storage: '1Mi' } });
  assert.equal(findMatchingVolume(pvc(), [big, small, tiny], 'manual')?.metadata?.name, 'small');
  assert.equal(findMatchingVolume(pvc({ volumeName: 'big' }), [big, small], 'manual')?.metadata?.name, 'big');
  assert.equal(findMatchingVolume(pvc({ volumeName: 'tiny' }), [tiny, small], 'manual'), undefined);
  const pre = pv('pre', { capacity: { storage: '5Gi' }, claimRef: { namespace: 'ns', name: 'data' } });
  assert.equal(findMatchingVolume(pvc(), [small, pre], 'manual')?.metadata?.name, 'pre');
  assert.equal(findMatchingVolume(pvc(), [tiny], 'manual'), undefined);
});

test('claimClass uses the default class only when storageClassName is unset', () => {
  const classes: StorageClass[] = [
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'other' }, provisioner: 'x' },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubevirt-ts.io/local' },
  ];
  assert.equal(claimClass(pvc({ storageClassName: undefined }), classes), 'local');
  assert.equal(claimClass(pvc({ storageClassName: '' }), classes), '');
  assert.equal(claimClass(pvc({ storageClassName: null }), classes), '');
  assert.equal(claimClass(pvc({ storageClassName: 'other' }), classes), 'other');
  assert.equal(claimClass(pvc({ storageClassName: undefined }), []), '');
});
