import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Devices, VirtualMachineInstanceSpec } from '../../api/kubevirt/index.js';
import { convertGraphics, convertGuestAgentChannel, convertInputs, convertRng, convertSerialConsole, convertWatchdog } from './devices.js';

const spec = (devices: Devices): VirtualMachineInstanceSpec => ({ domain: { devices } });
const VM = 'virtio-non-transitional';

test('serial console on a unix socket with a log; none when not auto-attached', () => {
  const cases: [Devices, boolean, number, boolean][] = [
    [{}, true, 1, true],
    [{}, false, 1, false],
    [{ logSerialConsole: false }, true, 1, false],
    [{ logSerialConsole: true }, false, 1, true],
    [{ autoattachSerialConsole: false }, true, 0, false],
  ];
  for (const [d, logDefault, n, logged] of cases) {
    const out = convertSerialConsole(spec(d), '/run/p', logDefault);
    assert.equal(out.serial.length, n);
    assert.equal(out.console.length, n);
    if (n === 0) continue;
    assert.deepEqual(out.serial[0]!.source, { $: { mode: 'bind', path: '/run/p/virt-serial0' } });
    assert.deepEqual(out.serial[0]!.log, logged ? { $: { file: '/run/p/virt-serial0-log', append: 'on' } } : undefined);
    assert.deepEqual(out.console[0], { $: { type: 'pty' }, target: { $: { type: 'serial', port: 0 } } });
  }
});

test('VNC on a unix socket with a video card', () => {
  assert.deepEqual(convertGraphics(spec({}), '/run/p'), {
    graphics: [{ $: { type: 'vnc' }, listen: { $: { type: 'socket', socket: '/run/p/virt-vnc' } } }],
    video: [{ model: { $: { type: 'vga', heads: 1, vram: 16384 } } }],
  });
  assert.deepEqual(convertGraphics(spec({ video: { type: 'virtio' } }), '/run/p').video, [{ model: { $: { type: 'virtio', heads: 1 } } }]);
  assert.deepEqual(convertGraphics(spec({ autoattachGraphicsDevice: false }), '/run/p'), { graphics: [], video: [] });
});

test('inputs: usb and virtio tablets, and the auto-attached one', () => {
  assert.deepEqual(convertInputs(spec({ inputs: [{ name: 't', type: 'tablet', bus: 'virtio' }, { name: 'k', type: 'keyboard', bus: 'usb' }] })), [
    { $: { type: 'tablet', bus: 'virtio', model: 'virtio' }, alias: { $: { name: 'ua-t' } } },
    { $: { type: 'keyboard', bus: 'usb' }, alias: { $: { name: 'ua-k' } } },
  ]);
  assert.deepEqual(convertInputs(spec({ autoattachInputDevice: true })), [{ $: { type: 'tablet', bus: 'usb' }, alias: { $: { name: 'ua-default-0' } } }]);
  assert.deepEqual(convertInputs(spec({})), []);
});

test('rng, guest agent channel and watchdog', () => {
  assert.deepEqual(convertRng(spec({}), VM), []);
  assert.deepEqual(convertRng(spec({ rng: {} }), VM), [{ $: { model: VM }, backend: { $: { model: 'random' }, _: '/dev/urandom' } }]);
  assert.deepEqual(convertGuestAgentChannel().target, { $: { type: 'virtio', name: 'org.qemu.guest_agent.0' } });
  const cases: [Devices['watchdog'], unknown][] = [
    [undefined, []],
    [{ name: 'w', i6300esb: { action: 'poweroff' } }, [{ $: { model: 'i6300esb', action: 'poweroff' } , alias: { $: { name: 'ua-w' } } }]],
    [{ name: 'w', i6300esb: {} }, [{ $: { model: 'i6300esb', action: 'reset' }, alias: { $: { name: 'ua-w' } } }]],
    [{ name: 'w', diag288: { action: 'shutdown' } }, [{ $: { model: 'diag288', action: 'shutdown' }, alias: { $: { name: 'ua-w' } } }]],
  ];
  for (const [w, want] of cases) assert.deepEqual(convertWatchdog(spec(w ? { watchdog: w } : {})), want);
});

test('a private directory too long for a unix socket is a clear error', () => {
  const dir = `/run/${'x'.repeat(100)}`;
  assert.throws(() => convertSerialConsole(spec({}), dir, true), /longer than 107 bytes/);
  assert.throws(() => convertGraphics(spec({}), dir), /longer than 107 bytes/);
  assert.deepEqual(convertGraphics(spec({ autoattachGraphicsDevice: false }), dir), { graphics: [], video: [] });
});
