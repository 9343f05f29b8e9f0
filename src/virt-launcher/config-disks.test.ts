import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualMachineInstance, Volume } from '../api/kubevirt/index.js';
import { configDiskPlan, graftPoints, isoArgs, prepareConfigDisks } from './config-disks.js';

test('config volume plans: mounted directory and label per kind, upstream defaults', () => {
  const inp = { configVolumeRoot: '/r', serviceAccountDir: '/sa' };
  const cases: [Volume, { field: string; sourceDir: string; label: string } | undefined][] = [
    [{ name: 'cm', configMap: { name: 'app' } }, { field: 'volumes[0].configMap', sourceDir: '/r/config-map/cm', label: 'cfgdata' }],
    [{ name: 'cm', configMap: { name: 'app', volumeLabel: 'OEMDRV' } }, { field: 'volumes[0].configMap', sourceDir: '/r/config-map/cm', label: 'OEMDRV' }],
    [{ name: 's', secret: { secretName: 'pw', volumeLabel: 'cidata' } }, { field: 'volumes[0].secret', sourceDir: '/r/secret/s', label: 'cidata' }],
    [{ name: 'd', downwardAPI: { fields: [] } }, { field: 'volumes[0].downwardAPI', sourceDir: '/r/downwardapi/d', label: 'cfgdata' }],
    [{ name: 'sa', serviceAccount: { serviceAccountName: 'default' } }, { field: 'volumes[0].serviceAccount', sourceDir: '/sa', label: 'cfgdata' }],
    [{ name: 'e', emptyDisk: { capacity: '1Gi' } }, undefined],
  ];
  for (const [v, want] of cases) assert.deepEqual(configDiskPlan(v, 0, inp), want, v.name);
  assert.equal(configDiskPlan({ name: 'cm', configMap: {} }, 3, {})?.sourceDir, '/var/run/kubevirt-private/config-map/cm');
  assert.equal(configDiskPlan({ name: 'sa', serviceAccount: {} }, 0, {})?.sourceDir, '/var/run/secrets/kubernetes.io/serviceaccount');
});

test('graft points skip the atomic writer internals and escape =', () => {
  assert.deepEqual(graftPoints('/m', ['..data', 'b', '..2026_01_01', 'a=b', 'a']), ['a=/m/a', 'a\\=b=/m/a=b', 'b=/m/b']);
  assert.deepEqual(isoArgs('/o.iso', 'cfgdata', ['a=/m/a']), [
    '-as', 'mkisofs', '-output', '/o.iso', '-follow-links', '-volid', 'cfgdata', '-joliet', '-rock', '-graft-points', '-partition_cyl_align', 'on', 'a=/m/a',
  ]);
});

const hasXorriso = spawnSync('xorriso', ['-version'], { encoding: 'utf8' }).status === 0;

/** A directory laid out as Kubernetes' atomic writer does: keys are symlinks through ..data. */
function projectedDir(dir: string, files: Record<string, string>): void {
  mkdirSync(join(dir, '..2026_01_01_00_00_00.1'), { recursive: true });
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, '..2026_01_01_00_00_00.1', k), v);
  symlinkSync('..2026_01_01_00_00_00.1', join(dir, '..data'));
  for (const k of Object.keys(files)) symlinkSync(join('..data', k), join(dir, k));
}

test('prepareConfigDisks writes a labelled ISO per used config volume with the mounted files', { skip: hasXorriso ? false : 'xorriso not installed' }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'cfgdisk-'));
  try {
    projectedDir(join(root, 'mounts', 'config-map', 'app'), { 'app.conf': 'port=80\n', mode: 'prod' });
    projectedDir(join(root, 'sa'), { token: 'eyJ.token', namespace: 'default' });
    const vmi: VirtualMachineInstance = {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'v', namespace: 'default' },
      spec: {
        domain: { devices: { disks: [{ name: 'app', disk: {} }, { name: 'sa', disk: {} }] } },
        volumes: [
          { name: 'app', configMap: { name: 'app', volumeLabel: 'APPCFG' } },
          { name: 'sa', serviceAccount: { serviceAccountName: 'default' } },
          { name: 'unused', secret: { secretName: 'nothing-mounted' } },
        ],
      },
    };
    const got = await prepareConfigDisks(vmi, { privateDir: join(root, 'private'), configVolumeRoot: join(root, 'mounts'), serviceAccountDir: join(root, 'sa') });
    assert.deepEqual(Object.keys(got).sort(), ['app', 'sa']);
    const cases: [string, string, Record<string, string>][] = [['app', 'APPCFG', { 'app.conf': 'port=80\n', mode: 'prod' }], ['sa', 'cfgdata', { token: 'eyJ.token', namespace: 'default' }]];
    for (const [vol, label, files] of cases) {
      const iso = got[vol]?.path ?? '';
      assert.equal(got[vol]?.format, 'raw');
      const info = execFileSync('xorriso', ['-indev', iso, '-pvd_info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(info, new RegExp(`Volume Id\\s*:\\s*${label}`));
      const out = join(root, `x-${vol}`);
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], { stdio: 'ignore' });
      for (const [name, content] of Object.entries(files)) assert.equal(readFileSync(join(out, name), 'utf8'), content, `${vol}/${name}`);
      assert.throws(() => readFileSync(join(out, '..data', 'token')), /ENOENT/);
    }
    await assert.rejects(prepareConfigDisks({ ...vmi, spec: { ...vmi.spec, domain: { devices: { disks: [{ name: 'unused', disk: {} }] } } } }, { privateDir: join(root, 'private'), configVolumeRoot: join(root, 'mounts') }),
      /volumes\[2\]\.secret: the volume's files are not mounted at .*secret\/unused/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
