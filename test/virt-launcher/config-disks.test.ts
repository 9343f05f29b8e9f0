import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libvirtdInstalled, QEMU_BINARY } from '../../src/libvirt/index.js';
import { buildGuest } from '../guest/build.js';
import { PROMPT } from '../guest/console.js';
import { startLauncherProcess, testVMI } from './harness.js';

const skip = !libvirtdInstalled() || !existsSync(QEMU_BINARY) || process.getuid?.() !== 0 || !existsSync('/usr/bin/xorriso')
  ? 'needs libvirtd, qemu-system-x86_64, xorriso and root' : false;

/** A volume directory as Kubernetes' atomic writer lays it out (keys are symlinks through ..data). */
function mountedVolume(dir: string, files: Record<string, string>): void {
  const ts = join(dir, '..2026_01_01_00_00_00.1');
  mkdirSync(ts, { recursive: true });
  symlinkSync('..2026_01_01_00_00_00.1', join(dir, '..data'));
  for (const [k, v] of Object.entries(files)) {
    writeFileSync(join(ts, k), v);
    symlinkSync(join('..data', k), join(dir, k));
  }
}

test('configMap, secret and serviceAccount volumes reach the guest as labelled ISO disks', { skip, timeout: 240_000 }, async () => {
  const guest = await buildGuest();
  const root = mkdtempSync(join(tmpdir(), 'vl-cfg-'));
  mountedVolume(join(root, 'private', 'config-map', 'app'), { 'app.conf': 'listen=8080' });
  mountedVolume(join(root, 'private', 'secret', 'creds'), { password: 's3cr3t' });
  mountedVolume(join(root, 'sa'), { token: 'eyJhbGciOi.test', namespace: 'default' });
  const l = await startLauncherProcess({
    name: 'vm6', disk: guest.disk, args: ['--network', 'user', '--config-volume-dir', join(root, 'private'), '--service-account-dir', join(root, 'sa')],
  });
  try {
    const vmi = testVMI('vm6');
    const disks = [...(vmi.spec.domain.devices.disks ?? []), { name: 'app', disk: { bus: 'virtio' as const } }, { name: 'creds', disk: { bus: 'virtio' as const } }, { name: 'sa', disk: { bus: 'virtio' as const } }];
    const volumes = [
      ...(vmi.spec.volumes ?? []),
      { name: 'app', configMap: { name: 'app', volumeLabel: 'APPCFG' } },
      { name: 'creds', secret: { secretName: 'creds', volumeLabel: 'CREDS' } },
      { name: 'sa', serviceAccount: { serviceAccountName: 'default' } },
    ];
    await l.client.call('sync', { vmi: { ...vmi, spec: { ...vmi.spec, domain: { ...vmi.spec.domain, devices: { ...vmi.spec.domain.devices, disks } }, volumes } } });
    const con = await l.console();
    await con.waitFor(PROMPT, 150_000);
    const cases: [string, string, string][] = [['APPCFG', 'app.conf', 'listen=8080'], ['CREDS', 'password', 's3cr3t'], ['cfgdata', 'token', 'eyJhbGciOi.test']];
    for (const [label, file, content] of cases) {
      const r = await con.run(`mkdir -p /cfg && mount -t iso9660 -o ro "$(findfs LABEL=${label})" /cfg && cat /cfg/${file}; echo; umount /cfg`);
      assert.equal(r.status, 0, r.output);
      assert.ok(r.output.includes(content), `${label}/${file}: ${r.output}`);
    }
  } finally {
    await l.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
});
