import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Features, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertFeatures } from './features.js';

const spec = (features: Features): VirtualMachineInstanceSpec => ({ domain: { devices: {}, features } });
const vmport = { $: { state: 'off' } };

test('features: acpi, apic, smm, kvm hidden, pvspinlock', () => {
  const cases: [Features, string, boolean, unknown][] = [
    [{ acpi: { enabled: true } }, 'amd64', false, { acpi: {}, apic: {}, vmport }],
    [{ acpi: { enabled: false } }, 'amd64', false, { apic: {}, vmport }],
    [{ acpi: {}, apic: { enabled: true, endOfInterrupt: true } }, 'amd64', false, { acpi: {}, apic: { $: { eoi: 'on' } }, vmport }],
    [{ acpi: {}, apic: { enabled: false } }, 'amd64', false, { acpi: {}, vmport }],
    [{ acpi: {} }, 'arm64', false, { acpi: {} }],
    [{ acpi: {}, smm: { enabled: true } }, 'amd64', false, { acpi: {}, apic: {}, smm: { $: { state: 'on' } }, vmport }],
    [{ acpi: {}, smm: { enabled: false } }, 'amd64', false, { acpi: {}, apic: {}, vmport }],
    [{ acpi: {} }, 'amd64', true, { acpi: {}, apic: {}, smm: { $: { state: 'on' } }, vmport }],
    [
      { acpi: {}, kvm: { hidden: true }, pvspinlock: { enabled: false } },
      'amd64',
      false,
      { acpi: {}, apic: {}, kvm: { hidden: { $: { state: 'on' } } }, pvspinlock: { $: { state: 'off' } }, vmport },
    ],
  ];
  for (const [f, arch, secure, want] of cases) assert.deepEqual(convertFeatures(spec(f), arch, secure), want, JSON.stringify(f));
});

test('hyperv enlightenments map to libvirt names and states', () => {
  const out = convertFeatures(
    spec({
      hyperv: {
        relaxed: { enabled: true },
        vapic: { enabled: false },
        spinlocks: { enabled: true, spinlocks: 8191 },
        synictimer: { enabled: true, direct: { enabled: true } },
        vendorid: { enabled: true, vendorid: 'KubeVirt' },
        tlbflush: { enabled: true, extended: { enabled: false } },
      },
    }),
    'amd64',
    false,
  );
  assert.deepEqual(out.hyperv, {
    relaxed: { $: { state: 'on' } },
    vapic: { $: { state: 'off' } },
    spinlocks: { $: { state: 'on', retries: 8191 } },
    stimer: { $: { state: 'on' }, direct: { $: { state: 'on' } } },
    vendor_id: { $: { state: 'on', value: 'KubeVirt' } },
    tlbflush: { $: { state: 'on' }, extended: { $: { state: 'off' } } },
  });
  assert.deepEqual(convertFeatures(spec({ hypervPassthrough: { enabled: true } }), 'amd64', false).hyperv, { $: { mode: 'passthrough' } });
});

test('the TCG translation cache is set only when asked (software emulation)', () => {
  const spec = { domain: { devices: {} } };
  assert.deepEqual(convertFeatures(spec, 'amd64', false, 32).tcg, { 'tb-cache': { $: { unit: 'MiB' }, _: 32 } });
  assert.equal(convertFeatures(spec, 'amd64', false).tcg, undefined);
});
