import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { processesInNamespace } from './daemon.js';
import { domainVirtType, kvmUsable } from './kvm.js';

test('processesInNamespace refuses our own mount namespace (stop() must never kill the host)', () => {
  assert.throws(() => processesInNamespace(readlinkSync('/proc/self/ns/mnt')), /refusing/);
});

test('processesInNamespace finds nothing in a namespace no process has', () => {
  assert.deepEqual(processesInNamespace('mnt:[1]'), []);
});

test('without a usable QEMU binary KVM counts as unusable and domains use TCG', async () => {
  assert.equal(await kvmUsable({ qemuBinary: '/nonexistent/qemu-system-x86_64' }), false);
  assert.equal(await domainVirtType({ qemuBinary: '/nonexistent/qemu-system-x86_64' }), 'qemu');
});
