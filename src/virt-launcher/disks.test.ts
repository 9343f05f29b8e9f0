import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualMachineInstance, Volume } from '../api/kubevirt/index.js';
import { containerDiskFile, detectImageFormat, prepareDisks, validateHostPath } from './disks.js';

const vmi = (volumes: Volume[]): VirtualMachineInstance => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1', namespace: 'ns1' },
  spec: { domain: { devices: {} }, volumes },
});

test('validateHostPath accepts absolute normalized paths only', () => {
  const cases: [string, boolean][] = [['/var/lib/x.img', true], ['rel/x.img', false], ['/a/../etc/shadow', false], ['/a//b', false], ['/a/b\0', false]];
  for (const [p, ok] of cases) {
    if (ok) assert.equal(validateHostPath('f', p), p);
    else assert.throws(() => validateHostPath('f', p), { code: 'InvalidVMI' }, p);
  }
});

test('prepares containerDisk overlays, PVC images, empty and host disks, and cloud-init ISOs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-disks-'));
  try {
    const cd = join(dir, 'cd');
    mkdirSync(join(cd, 'root', 'disk'), { recursive: true });
    const cdFile = join(cd, 'root', 'disk', 'guest.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', cdFile, '16M']);
    mkdirSync(join(dir, 'pvc', 'data'), { recursive: true });
    writeFileSync(join(dir, 'pvc', 'data', 'disk.img'), Buffer.alloc(1024 * 1024));
    const hostPath = join(dir, 'host.img');
    const got = await prepareDisks(vmi([
      { name: 'root', containerDisk: { image: 'x' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'scratch', emptyDisk: { capacity: '64Mi' } },
      { name: 'host', hostDisk: { path: hostPath, type: 'DiskOrCreate', capacity: '32Mi' } },
      { name: 'ci', cloudInitNoCloud: { userData: '#!/bin/sh\necho hi\n' } },
      { name: 'cd2', cloudInitConfigDrive: { userDataBase64: Buffer.from('#cloud-config\n').toString('base64') } },
    ]), { privateDir: join(dir, 'private'), containerDiskDir: cd, pvcDir: join(dir, 'pvc') });
    assert.deepEqual(got.root?.backing, { type: 'file', path: cdFile, format: 'qcow2' });
    assert.equal(got.root?.format, 'qcow2');
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', got.root?.path ?? ''], { encoding: 'utf8' })) as Record<string, string>;
    assert.equal(info['backing-filename'], cdFile);
    assert.equal(info['backing-filename-format'], 'qcow2');
    assert.deepEqual(got.data, { type: 'file', path: join(dir, 'pvc', 'data', 'disk.img'), format: 'raw' });
    assert.equal(got.scratch?.format, 'qcow2');
    assert.equal(detectImageFormat(got.scratch?.path ?? ''), 'qcow2');
    assert.equal(statSync(hostPath).size, 32 * 1024 * 1024);
    assert.ok(statSync(hostPath).blocks * 512 < 1024 * 1024, 'host disk is sparse');
    for (const [vol, label, file, text] of [['ci', 'cidata', '/meta-data', 'local-hostname: vm1'], ['cd2', 'config-2', '/openstack/latest/meta_data.json', '"hostname":"vm1"']] as const) {
      const iso = got[vol]?.path ?? '';
      const pvd = readFileSync(iso).subarray(0x8000 + 40, 0x8000 + 72).toString('ascii').trim();
      assert.equal(pvd, label);
      const out = join(dir, `${vol}.out`);
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', file, out], { stdio: 'ignore' });
      const content = readFileSync(out, 'utf8');
      assert.ok(content.includes(text), `${vol}: ${content}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing containerDisk image and a missing hostDisk of type Disk fail clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-disks-'));
  try {
    const cases: [Volume, RegExp][] = [
      [{ name: 'root', containerDisk: { image: 'x' } }, /containerDisk: no disk image: .*\/cd\/root\/disk does not exist/],
      [{ name: 'h', hostDisk: { path: join(dir, 'nope.img'), type: 'Disk' } }, /hostDisk\.path: .* does not exist/],
    ];
    for (const [v, re] of cases) {
      await assert.rejects(prepareDisks(vmi([v]), { privateDir: dir, containerDiskDir: join(dir, 'cd') }), re);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('containerDiskFile takes the one regular file under disk/, or the path the VMI names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-cd-'));
  try {
    const layouts: Record<string, Record<string, string>> = {
      one: { 'disk/a.img': 'x' },
      two: { 'disk/a.img': 'x', 'disk/b.img': 'y' },
      empty: { 'other/a.img': 'x' },
      custom: { 'images/vm.qcow2': 'x', 'disk/a.img': 'y' },
    };
    for (const [name, files] of Object.entries(layouts)) {
      for (const [rel, body] of Object.entries(files)) {
        mkdirSync(join(dir, name, rel, '..'), { recursive: true });
        writeFileSync(join(dir, name, rel), body);
      }
    }
    symlinkSync('/etc/passwd', join(dir, 'one', 'disk', 'link'));
    const cases: [string, string | undefined, string | RegExp][] = [
      ['one', undefined, join(dir, 'one', 'disk', 'a.img')],
      ['two', undefined, /exactly one file under \/disk\/, found 2: a\.img, b\.img/],
      ['empty', undefined, /no disk image: .*empty\/disk does not exist/],
      ['custom', '/images/vm.qcow2', join(dir, 'custom', 'images', 'vm.qcow2')],
      ['custom', '/images/missing.img', /containerDisk\.path: disk image .* does not exist/],
      ['custom', '../one/disk/a.img', /must stay inside the image/],
    ];
    for (const [name, path, want] of cases) {
      if (typeof want === 'string') assert.equal(containerDiskFile('volumes[0].containerDisk', join(dir, name), path), want, name);
      else assert.throws(() => containerDiskFile('volumes[0].containerDisk', join(dir, name), path), want, `${name} ${path ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
