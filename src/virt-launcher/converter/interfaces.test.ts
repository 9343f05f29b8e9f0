import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Interface } from '../../api/kubevirt/index.js';
import { backendFor, convertInterface } from './interfaces.js';

const VM = 'virtio-non-transitional';

test('a masquerade NIC on a tap: ethernet, unmanaged target, virtio model, rom off', () => {
  assert.deepEqual(convertInterface({ name: 'default', masquerade: {}, model: 'virtio' }, { type: 'tap', tapDevice: 'tap0', mtu: 1400 }, VM), {
    $: { type: 'ethernet' },
    target: { $: { dev: 'tap0', managed: 'no' } },
    model: { $: { type: VM } },
    mtu: { $: { size: 1400 } },
    rom: { $: { enabled: 'no' } },
    alias: { $: { name: 'ua-default' } },
  });
});

test('MAC from the VMI (normalised) or the backend; models; boot order keeps the rom', () => {
  const cases: [Interface, string | undefined, string, boolean][] = [
    [{ name: 'a', bridge: {}, macAddress: 'DE-AD-00-00-BE-AF' }, '02:00:00:00:00:01', 'de:ad:00:00:be:af', false],
    [{ name: 'a', bridge: {} }, '02:00:00:00:00:01', '02:00:00:00:00:01', false],
    [{ name: 'a', bridge: {}, model: 'e1000', bootOrder: 1 }, undefined, '', true],
  ];
  for (const [iface, backendMac, mac, boots] of cases) {
    const out = convertInterface(iface, { type: 'tap', tapDevice: 't', ...(backendMac ? { mac: backendMac } : {}) }, VM);
    assert.equal(out.mac?.$.address ?? '', mac);
    assert.equal(out.model.$.type, iface.model === 'e1000' ? 'e1000' : VM);
    assert.deepEqual(out.boot, boots ? { $: { order: 1 } } : undefined);
    assert.deepEqual(out.rom, boots ? undefined : { $: { enabled: 'no' } });
  }
});

test('user-mode backend has no target', () => {
  const out = convertInterface({ name: 'u', masquerade: {} }, { type: 'user' }, VM);
  assert.deepEqual(out.$, { type: 'user' });
  assert.equal(out.target, undefined);
});

test('backends: given, tap<index> for tap bindings, an error for other bindings', () => {
  assert.deepEqual(backendFor({ name: 'n', masquerade: {} }, 2, 'f', undefined), { type: 'tap', tapDevice: 'tap2' });
  assert.deepEqual(backendFor({ name: 'n', sriov: {} }, 0, 'f', { n: { type: 'user' } }), { type: 'user' });
  assert.throws(() => backendFor({ name: 'n', sriov: {} }, 1, 'spec.domain.devices.interfaces[1]', undefined), /interfaces\[1\]: binding sriov of interface "n" is not supported/);
});
