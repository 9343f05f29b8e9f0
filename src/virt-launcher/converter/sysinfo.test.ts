import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertSysinfo } from './sysinfo.js';

const uuid = '0f785d7e-02ac-578a-a60a-41aca5a8b045';

test('sysinfo: uuid, serial and the cluster SMBIOS values; empty ones left out', () => {
  const spec: VirtualMachineInstanceSpec = { domain: { devices: {}, firmware: { uuid, serial: 'S-1' } } };
  const out = convertSysinfo(spec, uuid, { manufacturer: 'KubeVirt', product: 'None', family: 'KubeVirt' });
  assert.deepEqual(out.system.entry, [
    { $: { name: 'manufacturer' }, _: 'KubeVirt' },
    { $: { name: 'product' }, _: 'None' },
    { $: { name: 'serial' }, _: 'S-1' },
    { $: { name: 'uuid' }, _: uuid },
    { $: { name: 'family' }, _: 'KubeVirt' },
  ]);
  assert.equal(out.chassis, undefined);
});

test('sysinfo: chassis entries from the VMI', () => {
  const spec: VirtualMachineInstanceSpec = { domain: { devices: {}, chassis: { manufacturer: 'ACME', asset: 'A1' } } };
  assert.deepEqual(convertSysinfo(spec, uuid, {}).chassis, { entry: [{ $: { name: 'manufacturer' }, _: 'ACME' }, { $: { name: 'asset' }, _: 'A1' }] });
});
