// END-TO-END (needs qemu-system-x86_64, xorriso, apt access for the first build; boots two
// guests, about 10-60 s depending on load): builds the test guest (cached), boots the qcow2 disk
// with a NoCloud seed and the kernelBoot pair with a ConfigDrive seed, and checks every
// feature tests rely on: markers, hostname, authorized keys, SSH and scp logins with them,
// user-data, shell, DHCP, HTTP, ACPI power-off.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest, type GuestImage } from './build.js';
import { Marker, PROMPT } from './console.js';
import { run } from './exec.js';
import { bootGuest, probeAccel, type Accel, type RunningGuest } from './qemu.js';
import { freePort } from '../fixtures/wait.js';
import { buildSeedIso } from './seed.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt1YmV2aXJ0LXRzLXRlc3Qta2V5LW5vdC1yZWFs tester@kubevirt-ts';
const BOOT_TIMEOUT_MS = 120_000; // TCG on a loaded 2-core machine; about 2-5 s when idle
let guest: GuestImage;
let accel: Accel;
let work: string;

before(async () => {
  guest = await buildGuest();
  accel = await probeAccel(guest.kernel);
  work = await mkdtemp(join(tmpdir(), 'kvts-guest-test-'));
  return async () => rm(work, { recursive: true, force: true });
});

test('the build is reused from the cache and the disk is a small qcow2', async () => {
  const stamp = (await stat(join(guest.dir, 'build.json'))).mtimeMs;
  const again = await buildGuest();
  assert.equal(again.dir, guest.dir);
  assert.equal((await stat(join(guest.dir, 'build.json'))).mtimeMs, stamp, 'not rebuilt');
  const info = JSON.parse(await run('qemu-img', ['info', '--output=json', guest.disk])) as { format: string; 'actual-size': number };
  assert.equal(info.format, 'qcow2');
  assert.ok(info['actual-size'] < 20 * 2 ** 20, `disk is ${info['actual-size']} bytes`);
  assert.ok((await stat(guest.kernel)).size > 0 && (await stat(guest.initrd)).size > 0);
});

async function powerOff(vm: RunningGuest): Promise<void> {
  const from = vm.console.text.length;
  await vm.qmp.execute('system_powerdown');
  await vm.console.waitFor(Marker.powerButton, 30_000, from);
  assert.equal(await vm.waitExit(30_000), 0, 'QEMU exits once the guest powered off');
}

/** ssh/scp options for a throwaway guest: its key, no host key checks, batch mode. */
const sshOpts = (key: string, port: number, flag: '-p' | '-P'): string[] =>
  ['-i', key, flag, String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=60'];

test('disk boot with a NoCloud seed: hostname, keys, user-data, shell, SSH, HTTP, ACPI power-off', { timeout: 300_000 }, async (t) => {
  const seed = join(work, 'nocloud.iso');
  const key = join(work, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tester@kubevirt-ts', '-f', key]);
  const realKey = (await readFile(`${key}.pub`, 'utf8')).trim();
  await buildSeedIso('noCloud', {
    metaData: 'instance-id: i-0001\nlocal-hostname: testvm\npublic-keys:\n  - ' + KEY + '\n  - ' + realKey + '\n',
    userData: '#!/bin/sh\necho "user-data ran as $(id -u) on $(hostname)"\n',
  }, seed);
  const httpPort = await freePort();
  const sshPort = await freePort();
  const vm = await bootGuest({ source: { disk: guest.disk }, seed, accel, hostfwd: [{ hostPort: httpPort, guestPort: 80 }, { hostPort: sshPort, guestPort: 22 }] });
  try {
    await vm.console.waitFor(Marker.ready, BOOT_TIMEOUT_MS);
    t.diagnostic(`disk boot to ready: ${vm.elapsedMs()} ms wall, ${await vm.cpuMs()} ms QEMU CPU, under ${accel}`);
    const text = vm.console.text;
    assert.match(text, /cloud-init: nocloud seed on \/dev\/vd/);
    assert.match(text, /cloud-init: hostname testvm\n/);
    assert.match(text, /user-data ran as 0 on testvm\n/);
    assert.match(text, /cloud-init: user-data done rc=0\n/);
    assert.match(text, /kubevirt-ts-guest: network eth0 10\.0\.2\.15\/24 gateway 10\.0\.2\.2\n/);
    await vm.console.waitFor(PROMPT, 30_000);
    assert.deepEqual(await vm.console.run('hostname'), { output: 'testvm\n', status: 0 });
    assert.deepEqual(await vm.console.run('cat /root/.ssh/authorized_keys'), { output: `${KEY}\n${realKey}\n`, status: 0 });
    assert.deepEqual(await vm.console.run('stat -c %a /root/.ssh/authorized_keys'), { output: '600\n', status: 0 });
    assert.match(text, /kubevirt-ts-guest: sshd listening on port 22\n/);
    assert.equal(await run('ssh', [...sshOpts(key, sshPort, '-p'), 'root@127.0.0.1', 'hostname']), 'testvm\n');
    const local = join(work, 'copied');
    await writeFile(local, 'over scp\n');
    await run('scp', [...sshOpts(key, sshPort, '-P'), local, 'root@127.0.0.1:/tmp/copied']);
    assert.deepEqual(await vm.console.run('cat /tmp/copied'), { output: 'over scp\n', status: 0 });
    assert.equal((await vm.console.run('false')).status, 1);
    const before = vm.console.text.length;
    vm.console.write('exit\n');
    await vm.console.waitFor(/Enter 'help'[\s\S]*testvm:~ # $/, 30_000, before); // init respawns the shell
    assert.deepEqual(await vm.console.run('echo again'), { output: 'again\n', status: 0 });

    const res = await fetch(`http://127.0.0.1:${httpPort}/`, { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /hostname: testvm/);

    await powerOff(vm);
  } finally {
    await vm.close();
  }
});

test('kernelBoot with a ConfigDrive seed: keys and user-data applied, DHCP names the host', { timeout: 300_000 }, async (t) => {
  const seed = join(work, 'configdrive.iso');
  await buildSeedIso('configDrive', {
    metaData: JSON.stringify({ uuid: 'c0ffee00-0000-0000-0000-000000000001', public_keys: { tester: KEY } }),
    userData: '#!/bin/sh\necho configdrive-user-data > /tmp/ran\nexit 7\n',
  }, seed);
  const vm = await bootGuest({
    source: { kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline },
    seed,
    accel,
    dhcpHostname: 'from-dhcp',
  });
  try {
    await vm.console.waitFor(Marker.ready, BOOT_TIMEOUT_MS);
    t.diagnostic(`kernelBoot to ready: ${vm.elapsedMs()} ms wall, ${await vm.cpuMs()} ms QEMU CPU, under ${accel}`);
    assert.match(vm.console.text, /cloud-init: configdrive seed on \/dev\/vd/);
    assert.match(vm.console.text, /cloud-init: user-data done rc=7\n/);
    await vm.console.waitFor(PROMPT, 30_000);
    assert.deepEqual(await vm.console.run('hostname; cat /tmp/ran /root/.ssh/authorized_keys'), {
      output: `from-dhcp\nconfigdrive-user-data\n${KEY}\n`,
      status: 0,
    });
    assert.match((await vm.console.run('ip -4 route')).output, /default via 10\.0\.2\.2 dev eth0/);
    assert.match((await vm.console.run('wget -qO- http://127.0.0.1/hostname')).output, /^from-dhcp\n/);
    await powerOff(vm);
  } finally {
    await vm.close();
  }
});
