import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import type { Informer } from '../client/informer.js';
import { launcherPodOf, usesClaims } from './caches.js';
import type { Pod, PodPhase } from './pod.js';

const vmi = (volumes: VirtualMachineInstance['spec']['volumes'] = []): VirtualMachineInstance =>
  ({ metadata: { name: 'a', namespace: 'ns', uid: 'u1' }, spec: { domain: { devices: {} }, volumes } });
const pod = (name: string, created: string, phase: PodPhase, opts: { ns?: string; uid?: string } = {}): Pod => ({
  metadata: { name, namespace: opts.ns ?? 'ns', creationTimestamp: created, labels: { 'kubevirt.io/created-by': opts.uid ?? 'u1' } },
  spec: { containers: [] },
  status: { phase },
});
const cache = (pods: Pod[]) => ({ values: () => pods.values() }) as unknown as Informer<Pod>;

test('launcherPodOf: the live launcher pod of the VMI, else its newest', () => {
  const cases: { name: string; pods: Pod[]; want: string | undefined }[] = [
    { name: 'none', pods: [], want: undefined },
    { name: 'other VMI and namespace ignored', pods: [pod('x', '2026-01-01T00:00:01Z', 'Running', { uid: 'u2' }), pod('y', '2026-01-01T00:00:01Z', 'Running', { ns: 'other' })], want: undefined },
    { name: 'one', pods: [pod('p1', '2026-01-01T00:00:01Z', 'Pending')], want: 'p1' },
    { name: 'live before newer final', pods: [pod('old', '2026-01-01T00:00:01Z', 'Running'), pod('new', '2026-01-01T00:00:02Z', 'Failed')], want: 'old' },
    { name: 'newest live', pods: [pod('old', '2026-01-01T00:00:01Z', 'Running'), pod('new', '2026-01-01T00:00:02Z', 'Pending')], want: 'new' },
    { name: 'all final: newest', pods: [pod('new', '2026-01-01T00:00:02Z', 'Succeeded'), pod('old', '2026-01-01T00:00:01Z', 'Failed')], want: 'new' },
  ];
  for (const c of cases) assert.equal(launcherPodOf(cache(c.pods), vmi())?.metadata.name, c.want, c.name);
});

test('usesClaims: volumes naming a PVC (also ephemeral) or a DataVolume', () => {
  const cases: { volumes: VirtualMachineInstance['spec']['volumes']; want: boolean }[] = [
    { volumes: [], want: false },
    { volumes: [{ name: 'c', containerDisk: { image: 'i' } }, { name: 'ci', cloudInitNoCloud: { userData: '' } }], want: false },
    { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'p' } }], want: true },
    { volumes: [{ name: 'd', ephemeral: { persistentVolumeClaim: { claimName: 'p' } } }], want: true },
    { volumes: [{ name: 'd', dataVolume: { name: 'dv' } }], want: true },
  ];
  for (const c of cases) assert.equal(usesClaims(vmi(c.volumes)), c.want, JSON.stringify(c.volumes));
});
