import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { libvirtdInstalled, QEMU_BINARY } from '../../src/libvirt/index.js';
import { buildGuest } from '../guest/build.js';
import { PROMPT } from '../guest/console.js';
import { qemuPidsWith, startLauncherProcess, testVMI, waitUntil } from './harness.js';

const skip = !libvirtdInstalled() || !existsSync(QEMU_BINARY) || process.getuid?.() !== 0
  ? 'needs libvirtd, qemu-system-x86_64 and root' : false;

/** Resident set size of a pid in MiB. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** The direct children of a process. */
function children(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

/** The libvirt connection driver modules (libvirt_driver_<name>.so) a process has mapped. */
function mappedDrivers(pid: number): string[] {
  const names = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').flatMap((l) => /libvirt_driver_(\w+)\.so$/.exec(l)?.[1] ?? []);
  return [...new Set(names)].sort();
}

test('launcher boots a containerDisk guest to its shell prompt, answers on its socket, and shuts down on SIGTERM', { skip, timeout: 240_000 }, async (t) => {
  const guest = await buildGuest();
  const l = await startLauncherProcess({ name: 'vm1', disk: guest.disk, args: ['--network', 'user'], gracePeriod: 60 });
  try {
    const ping = await l.client.call('ping', {});
    assert.equal(ping.domain, 'default_vm1');
    assert.equal(await l.client.call('getDomain', {}), null);
    const synced = await l.client.call('sync', { vmi: testVMI('vm1') });
    assert.equal(synced.state, 'Running');
    const con = await l.console();
    await con.waitFor(PROMPT, 150_000);
    const dom = await l.client.call('getDomain', {});
    assert.ok(dom);
    assert.equal(dom.name, 'default_vm1');
    assert.equal(dom.state, 'Running');
    assert.equal(dom.interfaces[0]?.name, 'default');
    assert.ok(l.events.some((e) => e.type === 'lifecycle' && e.state === 'Running' && e.reason === 'Booted'), JSON.stringify(l.events));
    // The launcher's libvirtd loads the QEMU driver alone (LAUNCHER_LIBVIRT_DRIVERS), and it still runs the guest.
    const libvirtd = children(l.proc.pid ?? 0).filter((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'libvirtd');
    assert.equal(libvirtd.length, 1, 'one libvirtd child');
    assert.deepEqual(mappedDrivers(libvirtd[0] ?? 0), ['qemu']);
    const rss = rssMiB(l.proc.pid ?? 0);
    t.diagnostic(`launcher RSS with a running guest: ${rss.toFixed(1)} MiB`);
    // Under tsx (in-process transpiling) the baseline is higher than the built launcher's; bound it loosely.
    assert.ok(rss < 160, `launcher RSS ${rss} MiB`);
    // A wrong VMI is refused with a typed error.
    await assert.rejects(l.client.call('sync', { vmi: testVMI('other') }), { code: 'InvalidVMI' });

    const t0 = Date.now();
    l.proc.kill('SIGTERM');
    const code = await l.exited;
    t.diagnostic(`SIGTERM to exit: ${Date.now() - t0} ms`);
    assert.equal(code, 0, l.stderr());
    assert.ok(Date.now() - t0 < 60_000);
    assert.ok(con.text.includes('power button pressed'), 'the guest saw the ACPI power button');
    assert.ok(l.events.some((e) => e.type === 'lifecycle' && e.state === 'Shutoff' && e.reason === 'Shutdown'), JSON.stringify(l.events));
    assert.equal(existsSync(join(l.privateDir, 'launcher.sock')), false);
    assert.deepEqual(qemuPidsWith(l.privateDir), []);
  } finally {
    await l.cleanup();
  }
});

test('a QEMU killed with SIGKILL is reported as a crash, is not restarted by a later sync, and the launcher exits', { skip, timeout: 240_000 }, async () => {
  const guest = await buildGuest();
  const l = await startLauncherProcess({ name: 'vm2', disk: guest.disk, args: ['--network', 'user'] });
  try {
    await l.client.call('sync', { vmi: testVMI('vm2') });
    const [pid] = qemuPidsWith(l.privateDir);
    assert.ok(pid, 'QEMU runs');
    process.kill(pid, 'SIGKILL');
    await waitUntil('a crash event', () => l.events.some((e) => e.type === 'lifecycle' && e.state === 'Shutoff' && e.reason === 'Crashed'), 30_000);
    // A launcher runs its domain once: a sync after the crash reports it (or finds the launcher gone), never restarts QEMU.
    const resync = await l.client.call('sync', { vmi: testVMI('vm2') }).then((st) => st.state, (e: unknown) => `gone: ${String(e)}`);
    assert.ok(resync === 'Shutoff' || resync.startsWith('gone: '), resync);
    assert.equal(await l.exited, 1, l.stderr());
    assert.deepEqual(qemuPidsWith(l.privateDir), [], 'no QEMU outlives the launcher');
    assert.ok(l.events.some((e) => e.type === 'exiting'), JSON.stringify(l.events));
  } finally {
    await l.cleanup();
  }
});
