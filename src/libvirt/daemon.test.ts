import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { libvirtdInstalled, processesInNamespace, startPrivateLibvirtd } from './daemon.js';
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

const realDaemon = libvirtdInstalled() && process.getuid?.() === 0 ? false : 'needs libvirtd and root';
/** The namespaces our own process holds open fds on. */
const heldNamespaces = (): string[] => readdirSync('/proc/self/fd').flatMap((fd) => {
  try {
    return [readlinkSync(`/proc/self/fd/${fd}`)];
  } catch {
    return [];
  }
}).filter((l) => l.startsWith('mnt:['));

test('a private daemon loads only the chosen drivers and pins its namespace until stop() (a freed one\'s number is reused)', { skip: realDaemon, timeout: 60_000 }, async () => {
  const d = await startPrivateLibvirtd({ virtlogd: false, drivers: ['qemu'] });
  let stopped = false;
  try {
    const drivers = [...new Set(readFileSync(`/proc/${d.pid}/maps`, 'utf8').match(/libvirt_driver_\w+\.so/g) ?? [])];
    assert.deepEqual(drivers, ['libvirt_driver_qemu.so']);
    assert.ok(heldNamespaces().includes(d.mountNamespace), 'an fd holds the namespace while the daemon runs');
    await d.stop();
    stopped = true;
    assert.ok(!heldNamespaces().includes(d.mountNamespace), 'released by stop()');
    assert.deepEqual(d.processes(), [], 'nothing of the daemon is left, whoever reuses the namespace number');
  } finally {
    if (!stopped) await d.stop();
  }
});
