import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOrder, modinfoDepends, moduleName, parseModulesBuiltin, parseModulesDep } from './kmod.js';

const dep = parseModulesDep(
  [
    'kernel/drivers/virtio/virtio_ring.ko:',
    'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko',
    'kernel/net/core/failover.ko:',
    'kernel/drivers/char/hw_random/virtio-rng.ko.xz: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    '',
  ].join('\n'),
);

test('moduleName strips directories and compression suffixes and maps - to _', () => {
  for (const [path, name] of [
    ['kernel/fs/isofs/isofs.ko', 'isofs'],
    ['kernel/drivers/char/hw_random/virtio-rng.ko.xz', 'virtio_rng'],
    ['kernel/fs/nls/nls_iso8859-1.ko.zst', 'nls_iso8859_1'],
    ['button.ko.gz', 'button'],
  ]) assert.equal(moduleName(path!), name);
});

test('loadOrder puts every dependency before its user, once', () => {
  const order = loadOrder(dep, ['virtio_net', 'virtio-rng']);
  assert.deepEqual(order, [
    'kernel/net/core/failover.ko',
    'kernel/drivers/net/net_failover.ko',
    'kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio.ko',
    'kernel/drivers/net/virtio_net.ko',
    'kernel/drivers/char/hw_random/virtio-rng.ko.xz',
  ]);
});

test('loadOrder skips built-in modules and rejects unknown ones and cycles', () => {
  const builtin = parseModulesBuiltin('kernel/drivers/input/serio/i8042.ko\nkernel/fs/ext4/ext4.ko\n');
  assert.deepEqual(loadOrder(dep, ['i8042', 'failover'], builtin), ['kernel/net/core/failover.ko']);
  assert.throws(() => loadOrder(dep, ['e1000'], builtin), /"e1000" is not a loadable module/);
  const cyclic = parseModulesDep('a.ko: b.ko\nb.ko: a.ko\n');
  assert.throws(() => loadOrder(cyclic, ['a']), /cycle: a.ko -> b.ko -> a.ko/);
});

test('modinfoDepends reads the .modinfo depends= string', () => {
  for (const [modinfo, deps] of [
    ['\0license=GPL\0depends=virtio,virtio_ring,net_failover\0intree=Y\0', ['virtio', 'virtio_ring', 'net_failover']],
    ['\0depends=\0name=button\0', []],
    ['\0license=GPL\0', []],
    ['\0depends=nls-iso8859-1\0', ['nls_iso8859_1']],
  ] as const) assert.deepEqual(modinfoDepends(Buffer.from(`ELF...${modinfo}...`, 'latin1')), deps);
});
