/**
 * The libvirt client against real private libvirtd daemons, checked with virsh as an independent
 * client. Skipped (with the reason) only when libvirtd is not installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AffectFlags,
  domainVirtType,
  DomainStatsTypes,
  libvirtdInstalled,
  LibvirtError,
  MigrateFlags,
  startPrivateLibvirtd,
  ShutdownFlags,
  VIR_ERR_AGENT_UNRESPONSIVE,
  VIR_ERR_INVALID_ARG,
  VIR_ERR_NO_DOMAIN,
  VIR_ERR_OPERATION_INVALID,
  type DomainEvent,
  type LibvirtConnection,
  type PrivateLibvirtd,
} from '../../src/libvirt/index.js';

const run = promisify(execFile);
const SKIP = libvirtdInstalled() ? false : 'libvirtd is not installed (apt-get install libvirt-daemon-system)';
/** QEMU capability probing costs seconds per daemon; the cache only depends on the QEMU binary. */
const CAPS_CACHE = join(tmpdir(), 'kvts-libvirt-caps-cache');

async function tinyDomainXML(name: string, devices = '', type?: 'kvm' | 'qemu'): Promise<string> {
  // No disk: SeaBIOS finds nothing to boot and spins, which is all these tests need.
  return `<domain type="${type ?? (await domainVirtType())}">
  <name>${name}</name>
  <memory unit="MiB">32</memory>
  <vcpu>1</vcpu>
  <os><type arch="x86_64" machine="pc">hvm</type></os>
  <features><acpi/></features>
  <devices>${devices}<memballoon model="none"/></devices>
</domain>`;
}

async function virsh(d: PrivateLibvirtd, ...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', d.uri, ...args], { timeout: 20_000 });
  return stdout.trim();
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts that `want` occurs in `got` in this order (other events may come in between). */
function assertInOrder(got: readonly string[], want: readonly string[]): void {
  let i = 0;
  for (const g of got) if (g === want[i]) i++;
  assert.equal(i, want.length, `expected ${want.join(', ')} in order within ${got.join(', ')}`);
}

function lifecycle(events: readonly DomainEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'lifecycle' ? [`${e.eventName}/${e.detailName}`] : []));
}

describe('libvirt client against a private libvirtd', { skip: SKIP }, () => {
  let d: PrivateLibvirtd;
  let conn: LibvirtConnection;

  before(async () => {
    d = await startPrivateLibvirtd({ capsCacheDir: CAPS_CACHE });
    conn = await d.connect();
  });

  after(async () => {
    await conn?.close();
    await d?.stop();
  });

  test('the daemon runs in its own mount namespace with private state', async () => {
    const own = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(!own.includes(d.layout.dir), 'no mount of the private dirs in our namespace');
    assert.ok(d.processes().includes(d.pid));
    assert.equal(await conn.getURI(), 'qemu:///system');
    assert.ok((await conn.getLibVersion()) >= 1_000_000);
    assert.equal(await virsh(d, 'list', '--all', '--name'), '');
  });

  test('define, start, suspend, resume, destroy and undefine, with events and virsh agreeing', async () => {
    const events: DomainEvent[] = [];
    const unsubscribe = await conn.subscribeDomainEvents((e) => events.push(e));
    const dom = await conn.domainDefineXML(await tinyDomainXML('tiny'));
    assert.equal(dom.id, -1);
    assert.equal(await virsh(d, 'domstate', '--reason', 'tiny'), 'shut off (unknown)');
    assert.deepEqual(await conn.lookupDomainByUUID(dom.uuid), dom);

    const running = await conn.domainCreate(dom);
    assert.ok(running.id > 0);
    assert.deepEqual(await conn.domainGetState(dom), { state: 1, stateName: 'Running', reason: 1, reasonName: 'Booted' });
    assert.equal(await virsh(d, 'domstate', '--reason', 'tiny'), 'running (booted)');
    const info = await conn.domainGetInfo(dom);
    assert.equal(info.stateName, 'Running');
    assert.equal(info.maxMemKiB, 32 * 1024);
    assert.equal(info.nrVirtCpu, 1);
    assert.match(await conn.domainGetXMLDesc(dom), /<name>tiny<\/name>/);
    assert.deepEqual((await conn.listAllDomains()).map((x) => x.name), ['tiny']);
    assert.equal(typeof (await conn.domainMemoryStats(dom)).rss, 'number');

    await conn.domainSuspend(dom);
    assert.equal((await conn.domainGetState(dom)).reasonName, 'User');
    assert.equal(await virsh(d, 'domstate', '--reason', 'tiny'), 'paused (user)');
    await conn.domainResume(dom);
    assert.equal(await virsh(d, 'domstate', '--reason', 'tiny'), 'running (unpaused)');

    await conn.domainReset(dom);
    await waitFor('reboot event after reset', () => events.some((e) => e.kind === 'reboot'));

    // No guest OS answers the ACPI power button: the request is accepted and the guest keeps running.
    await conn.domainShutdown(dom, 1);
    assert.equal((await conn.domainGetState(dom)).stateName, 'Running');

    await conn.domainDestroy(dom);
    assert.equal(await virsh(d, 'domstate', '--reason', 'tiny'), 'shut off (destroyed)');
    await assert.rejects(conn.domainSuspend(dom), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_OPERATION_INVALID);
    await conn.domainUndefine(dom);
    assert.equal(await virsh(d, 'list', '--all', '--name'), '');

    await waitFor('Undefined event', () => lifecycle(events).includes('Undefined/Removed'));
    assertInOrder(lifecycle(events), ['Defined/Added', 'Started/Booted', 'Suspended/Paused', 'Resumed/Unpaused', 'Stopped/Destroyed', 'Undefined/Removed']);
    assert.ok(events.every((e) => e.domain.uuid === dom.uuid));
    await unsubscribe();
  });

  test('a QEMU killed behind libvirt\'s back is reported as Stopped/Failed and Shutoff (Crashed)', async () => {
    const events: DomainEvent[] = [];
    const unsubscribe = await conn.subscribeDomainEvents((e) => events.push(e), { kinds: ['lifecycle'] });
    // Always TCG here, so that the emulated path runs even where KVM works.
    const dom = await conn.domainDefineXML(await tinyDomainXML('doomed', '', 'qemu'));
    try {
      assert.equal(d.qemuPid('doomed'), null);
      await conn.domainCreate(dom);
      const pid = d.qemuPid('doomed');
      assert.ok(pid !== null && d.processes().includes(pid));
      process.kill(pid, 'SIGKILL');
      await waitFor('Stopped event', () => lifecycle(events).some((e) => e.startsWith('Stopped/')));
      assert.ok(lifecycle(events).includes('Stopped/Failed'), lifecycle(events).join(', '));
      assert.equal(await virsh(d, 'domstate', '--reason', 'doomed'), 'shut off (crashed)');
    } finally {
      await unsubscribe();
      await conn.domainUndefine(dom);
    }
  });

  test('unknown domains fail with VIR_ERR_NO_DOMAIN and libvirt\'s message', async () => {
    await assert.rejects(conn.lookupDomainByName('nope'), (e: unknown) => {
      assert.ok(e instanceof LibvirtError);
      assert.equal(e.code, VIR_ERR_NO_DOMAIN);
      assert.equal(e.message, "Domain not found: no domain with matching name 'nope'");
      return true;
    });
    await assert.rejects(conn.lookupDomainByUUID('00000000-0000-0000-0000-0000000000aa'), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN);
  });

  test('guest agent, device hotplug, and block, interface and domain stats of a running domain', async () => {
    const events: DomainEvent[] = [];
    const unsubscribe = await conn.subscribeDomainEvents((e) => events.push(e), { kinds: ['agentLifecycle', 'deviceAdded', 'deviceRemoved'] });
    const disk = join(d.layout.dir, 'disk.img');
    writeFileSync(disk, Buffer.alloc(1024 * 1024));
    // A uniquely named tap: private daemons share the host's network namespace outside pods.
    const tap = `kvts${process.pid.toString(36)}`.slice(0, 15);
    const devices = `<channel type="unix"><target type="virtio" name="org.qemu.guest_agent.0"/></channel>
      <disk type="file" device="disk"><driver name="qemu" type="raw"/><source file="${disk}"/><target dev="vda" bus="virtio"/></disk>
      <interface type="ethernet"><mac address="52:54:00:aa:bb:cc"/><target dev="${tap}" managed="yes"/><model type="virtio"/></interface>`;
    const dom = await conn.domainCreateXML(await tinyDomainXML('with-agent', devices));
    try {
      await waitFor('agent lifecycle event', () => events.length > 0);
      assert.deepEqual(
        events.map((e) => (e.kind === 'agentLifecycle' ? `${e.stateName}/${e.reasonName}` : e.kind)),
        ['Disconnected/DomainStarted'],
      );
      const block = await conn.domainBlockStats(dom, 'vda');
      assert.ok(block.rdReq >= 0 && block.wrBytes >= 0);
      const fields = (await conn.domainBlockStatsFlags(dom, 'vda')).map((p) => p.field);
      for (const f of ['rd_bytes', 'wr_bytes', 'rd_operations', 'flush_operations']) assert.ok(fields.includes(f), f);
      const byTap = await conn.domainInterfaceStats(dom, tap);
      const byMac = await conn.domainInterfaceStats(dom, '52:54:00:aa:bb:cc');
      assert.ok(byTap.rxBytes >= 0 && byMac.txPackets >= 0);
      await assert.rejects(conn.domainInterfaceStats(dom, 'nosuchdev'), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_INVALID_ARG);
      for (const attempt of [
        () => conn.domainQemuAgentCommand(dom, '{"execute":"guest-ping"}', 1),
        () => conn.domainShutdown(dom, ShutdownFlags.GUEST_AGENT),
        () => conn.domainGetGuestInfo(dom),
        () => conn.domainInterfaceAddresses(dom, 'agent'),
      ]) {
        await assert.rejects(attempt(), (e: unknown) => {
          assert.ok(e instanceof LibvirtError);
          assert.equal(e.code, VIR_ERR_AGENT_UNRESPONSIVE);
          assert.equal(e.message, 'Guest agent is not responding: QEMU guest agent is not connected');
          return true;
        });
      }
      assert.deepEqual(await conn.domainInterfaceAddresses(dom, 'lease'), []);
      assert.equal((await conn.domainGetJobStats(dom)).typeName, 'None');

      // USB unplug needs no guest cooperation, so the removal completes with no OS running.
      const tablet = '<input type="tablet" bus="usb"><alias name="ua-tablet"/></input>';
      await conn.domainAttachDevice(dom, tablet, AffectFlags.LIVE);
      assert.match(await conn.domainGetXMLDesc(dom), /<alias name='ua-tablet'\/>/);
      await conn.domainDetachDevice(dom, tablet, AffectFlags.LIVE);
      await waitFor('deviceRemoved event', () => events.some((e) => e.kind === 'deviceRemoved'));
      assert.deepEqual(
        events.flatMap((e) => (e.kind === 'deviceAdded' || e.kind === 'deviceRemoved' ? [`${e.kind}:${e.devAlias}`] : [])),
        ['deviceAdded:ua-tablet', 'deviceRemoved:ua-tablet'],
      );

      const [rec] = await conn.getDomainStats(DomainStatsTypes.STATE | DomainStatsTypes.BALLOON | DomainStatsTypes.VCPU, 0, [dom]);
      assert.equal(rec?.domain.name, 'with-agent');
      assert.equal(rec?.stats['state.state'], 1);
      assert.equal(rec?.stats['balloon.maximum'], 32 * 1024);
      assert.equal(rec?.stats['vcpu.current'], 1);
    } finally {
      await unsubscribe();
      await conn.domainDestroy(dom);
    }
  });

  test('libvirtd answers our keepalive PINGs, so an idle connection stays open', async () => {
    // A 50 ms interval with a count of 2 closes the connection within ~150 ms of unanswered PINGs.
    const c = await d.connect({ keepaliveIntervalMs: 50, keepaliveCount: 2 });
    try {
      let closedWith: unknown = 'open';
      c.onClose((e) => (closedWith = e));
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(closedWith, 'open');
      assert.equal(await c.getURI(), 'qemu:///system');
    } finally {
      await c.close();
    }
  });

  test('concurrent calls on one connection all get their own answers', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const results = await Promise.allSettled(names.map((n) => conn.lookupDomainByName(n)));
    for (const [i, r] of results.entries()) {
      if (r.status !== 'rejected') assert.fail(`lookup of ${names[i]} should fail`);
      assert.match(String(r.reason), new RegExp(`'${names[i]}'`));
    }
  });
});

describe('two private daemons at once', { skip: SKIP }, () => {
  test('each sees only its own domains, and stop leaves no process, mount or directory', async () => {
    // b runs without virtlogd: QEMU then writes its log file itself.
    const [a, b] = await Promise.all([
      startPrivateLibvirtd({ capsCacheDir: CAPS_CACHE }),
      startPrivateLibvirtd({ capsCacheDir: CAPS_CACHE, virtlogd: false }),
    ]);
    try {
      assert.notEqual(a.mountNamespace, b.mountNamespace);
      const [ca, cb] = await Promise.all([a.connect(), b.connect()]);
      const xml = await tinyDomainXML('same-name');
      const [da, db] = await Promise.all([ca.domainDefineXML(xml), cb.domainDefineXML(xml)]);
      assert.notEqual(da.uuid, db.uuid);
      await ca.domainCreate(da);
      assert.equal(await virsh(a, 'domstate', 'same-name'), 'running');
      assert.equal(await virsh(b, 'domstate', 'same-name'), 'shut off');
      assert.ok(existsSync(join(a.layout.logDir, 'qemu', 'same-name.log')), 'QEMU log in the private log dir');
      assert.ok(a.processes().length >= 3, 'libvirtd, virtlogd and QEMU share the namespace');
      assert.equal(b.virtlogdPid, null);
      await cb.domainCreate(db);
      assert.ok(existsSync(join(b.layout.logDir, 'qemu', 'same-name.log')), 'QEMU log written without virtlogd');
      assert.deepEqual(b.processes().sort(), [b.pid, b.qemuPid('same-name')].sort());
      // Both QEMUs are still running: stop() has to take them down too.
      await Promise.all([ca.close(), cb.close()]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await Promise.all([a.exited, b.exited]);
    for (const x of [a, b]) {
      assert.throws(() => process.kill(x.pid, 0), 'libvirtd is gone');
      assert.deepEqual(x.processes(), [], 'nothing left in the namespace (QEMU included)');
      assert.ok(!existsSync(x.layout.dir), 'temp state dir removed');
      assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(x.layout.dir));
    }
  });
});

describe('live migration between two private daemons', { skip: SKIP }, () => {
  test('Begin3/Prepare3/Perform3/Finish3/Confirm3 with typed params move a running domain over loopback', async () => {
    const [a, b] = await Promise.all([startPrivateLibvirtd({ capsCacheDir: CAPS_CACHE }), startPrivateLibvirtd({ capsCacheDir: CAPS_CACHE })]);
    try {
      const [src, dst] = await Promise.all([a.connect(), b.connect()]);
      const srcEvents: DomainEvent[] = [];
      const dstEvents: DomainEvent[] = [];
      await src.subscribeDomainEvents((e) => srcEvents.push(e), { kinds: ['lifecycle'] });
      await dst.subscribeDomainEvents((e) => dstEvents.push(e), { kinds: ['lifecycle'] });
      const dom = await src.domainCreateXML(await tinyDomainXML('mig'));
      const flags = MigrateFlags.LIVE;

      const begin = await src.domainMigrateBegin3(dom, {}, flags);
      assert.match(begin.xml, /<name>mig<\/name>/);
      const prep = await dst.domainMigratePrepare3({ destXml: begin.xml, uri: 'tcp://127.0.0.1', listenAddress: '127.0.0.1' }, begin.cookieOut, flags);
      assert.match(prep.uriOut ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
      const perf = await src.domainMigratePerform3(dom, null, { uri: prep.uriOut ?? undefined }, prep.cookieOut, flags);
      const fin = await dst.domainMigrateFinish3({ destName: 'mig' }, perf.cookieOut, flags, false);
      assert.equal(fin.domain.uuid, dom.uuid);
      await src.domainMigrateConfirm3(dom, {}, fin.cookieOut, flags, false);

      assert.equal(await virsh(b, 'domstate', '--reason', 'mig'), 'running (migrated)');
      assert.equal(await virsh(a, 'list', '--all', '--name'), '');
      await waitFor('migration events', () => lifecycle(srcEvents).includes('Stopped/Migrated') && lifecycle(dstEvents).includes('Started/Migrated'));
      await dst.domainDestroy(fin.domain);
      await Promise.all([src.close(), dst.close()]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
