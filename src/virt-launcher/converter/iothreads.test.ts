import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Disk, DiskBus, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { planIOThreads } from './iothreads.js';

const d = (name: string, bus: DiskBus, dedicatedIOThread = false): { disk: Disk; bus: DiskBus } => ({ disk: { name, dedicatedIOThread }, bus });
const spec = (domain: Partial<VirtualMachineInstanceSpec['domain']>): VirtualMachineInstanceSpec => ({ domain: { devices: {}, ...domain } });

test('io thread plans per policy', () => {
  const disks = [d('a', 'virtio'), d('b', 'virtio'), d('c', 'sata'), d('e', 'virtio', true), d('f', 'virtio')];
  const cases: [VirtualMachineInstanceSpec, number, number, [string, number][]][] = [
    [spec({}), 1, 2, [['a', 1], ['b', 1], ['f', 1], ['e', 2]]],
    [spec({ ioThreadsPolicy: 'shared' }), 1, 2, [['a', 1], ['b', 1], ['f', 1], ['e', 2]]],
    [spec({ ioThreadsPolicy: 'auto' }), 1, 3, [['a', 1], ['b', 2], ['f', 1], ['e', 3]]],
    [spec({ ioThreadsPolicy: 'auto' }), 4, 4, [['a', 1], ['b', 2], ['f', 3], ['e', 4]]],
    [spec({ ioThreadsPolicy: 'supplementalPool', ioThreads: { supplementalPoolThreadCount: 2 } }), 1, 3, [['a', 1], ['b', 2], ['f', 1], ['e', 3]]],
  ];
  for (const [s, vcpus, count, byDisk] of cases) {
    const plan = planIOThreads(s, disks, vcpus);
    assert.equal(plan.count, count);
    assert.deepEqual([...plan.byDisk], byDisk);
  }
  assert.equal(planIOThreads(spec({}), [d('a', 'virtio'), d('b', 'sata')], 1).count, 0);
  const onlyDedicated = planIOThreads(spec({}), [d('x', 'virtio', true), d('y', 'sata')], 1);
  assert.deepEqual([onlyDedicated.count, [...onlyDedicated.byDisk]], [1, [['x', 1]]]);
});
