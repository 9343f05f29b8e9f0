import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { libvirtdInstalled, QEMU_BINARY } from '../../src/libvirt/index.js';
import { buildGuest } from '../guest/build.js';
import { PROMPT } from '../guest/console.js';
import { httpFromNetns, makePodNetns, startLauncherProcess, testVMI } from './harness.js';

const skip = !libvirtdInstalled() || !existsSync(QEMU_BINARY) || process.getuid?.() !== 0 ? 'needs libvirtd, qemu-system-x86_64 and root' : false;

const linkOf = (ns: string, dev: string): { address?: string; addr_info?: { family?: string; local?: string }[] } | undefined =>
  (JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', dev], { encoding: 'utf8' })) as { address?: string; addr_info?: { family?: string; local?: string }[] }[])[0];

test('bridge binding: the guest takes the pod IP and MAC over DHCP and serves HTTP on the pod IP', { skip, timeout: 240_000 }, async () => {
  const guest = await buildGuest();
  const net = makePodNetns();
  try {
    const podMac = linkOf(net.pod, 'eth0')?.address ?? '';
    const l = await startLauncherProcess({ name: 'vm5', disk: guest.disk, netns: net.pod, gracePeriod: 30 });
    try {
      const vmi = testVMI('vm5');
      const spec = { ...vmi.spec, domain: { ...vmi.spec.domain, devices: { ...vmi.spec.domain.devices, interfaces: [{ name: 'default', bridge: {} }] } } };
      await l.client.call('sync', { vmi: { ...vmi, spec } });
      const dom = await l.client.call('getDomain', {});
      assert.equal(dom?.interfaces[0]?.mac, podMac, 'the guest NIC has the pod MAC');
      const con = await l.console();
      await con.waitFor(new RegExp(`network eth0 ${net.podIp.replaceAll('.', '\\.')}/24 gateway ${net.hostIp.replaceAll('.', '\\.')}`), 150_000);
      await con.waitFor(PROMPT, 60_000);
      assert.equal(await httpFromNetns(net.host, net.podIp, '/hostname', 'vm5'), 'vm5');
      const ping = await con.run(`ping -c 1 -W 3 ${net.hostIp}`);
      assert.equal(ping.status, 0, ping.output);
      const link = linkOf(net.pod, 'eth0-nic');
      assert.notEqual(link?.address, podMac, 'the bridge port gave its MAC to the guest');
      assert.deepEqual(link?.addr_info?.filter((a) => a.family === 'inet'), [], 'the pod IP left the bridge port');
      l.proc.kill('SIGTERM');
      assert.equal(await l.exited, 0, l.stderr());
      const restored = linkOf(net.pod, 'eth0');
      assert.equal(restored?.address, podMac, 'eth0 has its MAC back');
      assert.ok(restored?.addr_info?.some((a) => a.local === net.podIp), 'eth0 has the pod IP back');
      assert.notEqual(spawnSync('ip', ['-n', net.pod, 'link', 'show', 'k6t-eth0']).status, 0, 'bridge removed');
    } finally {
      await l.cleanup();
    }
  } finally {
    net.remove();
  }
});
