import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { libvirtdInstalled, QEMU_BINARY } from '../../src/libvirt/index.js';
import { buildGuest } from '../guest/build.js';
import { PROMPT } from '../guest/console.js';
import { httpFromNetns, makePodNetns, startLauncherProcess, testVMI } from './harness.js';

const skip = !libvirtdInstalled() || !existsSync(QEMU_BINARY) || process.getuid?.() !== 0 || !existsSync('/usr/sbin/nft')
  ? 'needs libvirtd, qemu-system-x86_64, nft and root' : false;
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

test('masquerade: the guest gets 10.0.2.2 over DHCP, is reachable on the pod IP and reaches out as the pod IP', { skip, timeout: 240_000 }, async (t) => {
  const guest = await buildGuest();
  const net = makePodNetns();
  try {
    const l = await startLauncherProcess({ name: 'vm3', disk: guest.disk, netns: net.pod, gracePeriod: 30 });
    try {
      await l.client.call('sync', { vmi: testVMI('vm3') });
      const con = await l.console();
      await con.waitFor(/network eth0 10\.0\.2\.2\/24 gateway 10\.0\.2\.1/, 150_000);
      await con.waitFor(PROMPT, 60_000);
      assert.equal(await httpFromNetns(net.host, net.podIp, '/hostname', 'vm3'), 'vm3');
      const out = await con.run(`ping -c 1 -W 3 ${net.hostIp}`);
      assert.equal(out.status, 0, out.output);
      const dom = await l.client.call('getDomain', {});
      t.diagnostic(`guest mac ${dom?.interfaces[0]?.mac ?? ''}`);
      l.proc.kill('SIGTERM');
      assert.equal(await l.exited, 0, l.stderr());
      assert.equal(spawnSync('ip', ['-n', net.pod, 'link', 'show', 'k6t-eth0']).status !== 0, true, 'bridge removed');
      assert.equal(spawnSync('ip', ['netns', 'exec', net.pod, 'nft', 'list', 'table', 'ip', 'kubevirt_ts']).status !== 0, true, 'nft table removed');
    } finally {
      await l.cleanup();
    }
  } finally {
    net.remove();
  }
});

test('without a pod interface the launcher refuses the pod network with a clear error', { skip, timeout: 120_000 }, async () => {
  const guest = await buildGuest();
  const id = randomBytes(3).toString('hex');
  const ns = `vlt-empty-${id}`;
  ip('netns', 'add', ns);
  try {
    const l = await startLauncherProcess({ name: 'vm4', disk: guest.disk, netns: ns });
    try {
      await assert.rejects(l.client.call('sync', { vmi: testVMI('vm4') }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'Network');
        assert.match(e.message, /no interface eth0.*--network user/);
        return true;
      });
    } finally {
      await l.cleanup();
    }
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
});
