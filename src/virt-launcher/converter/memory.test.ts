import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertMemBalloon, convertMemory } from './memory.js';

const spec = (domain: Partial<VirtualMachineInstanceSpec['domain']>): VirtualMachineInstanceSpec => ({ domain: { devices: {}, ...domain } });

test('memory is converted to bytes from guest, request or limit', () => {
  const cases: [VirtualMachineInstanceSpec, number][] = [
    [spec({ memory: { guest: '128Mi' } }), 134217728],
    [spec({ resources: { requests: { memory: '1G' } } }), 1e9],
    [spec({ resources: { limits: { memory: '64Mi' } } }), 67108864],
    [spec({ memory: { guest: '256Mi' }, resources: { requests: { memory: '1Gi' } } }), 268435456],
  ];
  for (const [s, bytes] of cases) assert.deepEqual(convertMemory(s).memory, { $: { unit: 'b' }, _: bytes });
});

test('a VMI without memory is rejected naming the field', () => {
  assert.throws(() => convertMemory(spec({})), /spec\.domain\.memory\.guest/);
});

test('hugepages become a memoryBacking page size in bytes', () => {
  const out = convertMemory(spec({ memory: { guest: '1Gi', hugepages: { pageSize: '2Mi' } } }));
  assert.deepEqual(out.memoryBacking, { hugepages: { page: { $: { size: 2097152, unit: 'b' } } } });
});

test('memballoon: stats period, or model none when not auto-attached', () => {
  const cases: [VirtualMachineInstanceSpec, number, unknown][] = [
    [spec({}), 10, { $: { model: 'virtio-non-transitional', freePageReporting: 'on' }, stats: { $: { period: 10 } } }],
    [spec({}), 0, { $: { model: 'virtio-non-transitional', freePageReporting: 'on' } }],
    [spec({ devices: { autoattachMemBalloon: false } }), 10, { $: { model: 'none' } }],
  ];
  for (const [s, period, want] of cases) assert.deepEqual(convertMemBalloon(s, 'virtio-non-transitional', period), want);
});
