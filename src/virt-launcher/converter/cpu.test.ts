import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CPU, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertCPU, convertCPUTune, convertVCPU, topologyOf } from './cpu.js';

const spec = (cpu: CPU): VirtualMachineInstanceSpec => ({ domain: { devices: {}, cpu } });

test('vcpu: boot count, and the hotplug maximum with current', () => {
  const cases: [CPU, unknown][] = [
    [{}, { $: { placement: 'static' }, _: 1 }],
    [{ sockets: 2, cores: 2, threads: 1 }, { $: { placement: 'static' }, _: 4 }],
    [{ sockets: 1, cores: 2, threads: 1, maxSockets: 4 }, { $: { placement: 'static', current: 2 }, _: 8 }],
  ];
  for (const [cpu, want] of cases) assert.deepEqual(convertVCPU(topologyOf(spec(cpu))), want);
});

test('cpu mode and model under KVM and under emulation', () => {
  const topo = { $: { sockets: 1, dies: 1, cores: 1, threads: 1 } };
  const cases: [CPU, boolean, unknown][] = [
    [{ model: 'host-model' }, false, { $: { mode: 'host-model' }, topology: topo }],
    [{ model: 'host-passthrough' }, false, { $: { mode: 'host-passthrough' }, topology: topo }],
    [{}, false, { $: { mode: 'host-model' }, topology: topo }],
    [{ model: 'host-model' }, true, { $: { mode: 'custom', match: 'exact' }, model: { $: { fallback: 'allow' }, _: 'qemu64' }, topology: topo }],
    [{ model: 'Skylake-Server' }, false, { $: { mode: 'custom', match: 'exact' }, model: { $: { fallback: 'allow' }, _: 'Skylake-Server' }, topology: topo }],
    [
      { model: 'host-model', features: [{ name: 'vmx', policy: 'disable' }, { name: 'pcid' }] },
      false,
      { $: { mode: 'host-model' }, topology: topo, feature: [{ $: { name: 'vmx', policy: 'disable' } }, { $: { name: 'pcid', policy: 'require' } }] },
    ],
  ];
  for (const [cpu, emulation, want] of cases) assert.deepEqual(convertCPU(spec(cpu), emulation), want);
});

test('topology uses maxSockets so libvirt sees the hotplug maximum', () => {
  assert.deepEqual(convertCPU(spec({ sockets: 1, cores: 2, threads: 1, maxSockets: 4 }), false).topology, { $: { sockets: 4, dies: 1, cores: 2, threads: 1 } });
});

test('dedicated CPUs pin each vCPU and the emulator thread', () => {
  assert.equal(convertCPUTune(spec({ cores: 2 }), [3, 4]), undefined);
  assert.deepEqual(convertCPUTune(spec({ cores: 2, dedicatedCpuPlacement: true, isolateEmulatorThread: true }), [3, 4, 5]), {
    vcpupin: [{ $: { vcpu: 0, cpuset: '3' } }, { $: { vcpu: 1, cpuset: '4' } }],
    emulatorpin: { $: { cpuset: '5' } },
  });
  assert.throws(() => convertCPUTune(spec({ cores: 2, dedicatedCpuPlacement: true }), [1]), /2 dedicated host CPUs needed, 1 available/);
});
