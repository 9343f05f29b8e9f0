import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import { podsDirResolver } from './launcher-registry.js';

test('podsDirResolver finds the launcher socket of the pod on this node', () => {
  const vmi = (activePods?: Record<string, string>): VirtualMachineInstance => ({ metadata: { name: 'v' }, spec: { domain: { devices: {} } }, status: activePods ? { activePods } : {} });
  const r = podsDirResolver('/var/lib/kvts/pods', 'n1');
  const cases: { name: string; v: VirtualMachineInstance; want: string | undefined }[] = [
    { name: 'pod on this node', v: vmi({ u0: 'n2', u1: 'n1' }), want: '/var/lib/kvts/pods/u1/volumes/kubernetes.io~empty-dir/private/launcher.sock' },
    { name: 'pod elsewhere', v: vmi({ u0: 'n2' }), want: undefined },
    { name: 'no pods', v: vmi(), want: undefined },
  ];
  for (const tc of cases) assert.equal(r(tc.v), tc.want, tc.name);
});
