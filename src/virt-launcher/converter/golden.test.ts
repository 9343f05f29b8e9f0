import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_CLUSTER_CONFIG, defaultVMI } from '../../api/kubevirt/defaults/index.js';
import { convertVMI } from './convert.js';
import { GOLDEN_CASES } from './golden-cases.js';

const testdata = new URL('./testdata/', import.meta.url).pathname;

// Whole domains pinned: refresh with UPDATE_GOLDEN=1 after a deliberate change, and review the diff.
for (const c of GOLDEN_CASES) {
  test(`golden domain ${c.name}`, () => {
    const defaulted = defaultVMI(c.vmi, DEFAULT_CLUSTER_CONFIG, { now: '2026-01-01T00:00:00Z' }).object;
    const { xml } = convertVMI(defaulted, c.ctx);
    const file = `${testdata}${c.name}.xml`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, xml);
    assert.equal(xml, readFileSync(file, 'utf8'), `${file} differs; UPDATE_GOLDEN=1 rewrites it`);
  });
}

const hasValidator = spawnSync('virt-xml-validate', ['--help'], { encoding: 'utf8', timeout: 10_000 }).error === undefined;

test('every golden file passes libvirt\'s domain schema (virt-xml-validate)', { skip: hasValidator ? false : 'virt-xml-validate not installed (Debian package libvirt-clients)' }, () => {
  const files = readdirSync(testdata).filter((f) => f.endsWith('.xml'));
  assert.ok(files.length >= GOLDEN_CASES.length, 'golden files missing');
  for (const f of files) {
    const r = spawnSync('virt-xml-validate', [`${testdata}${f}`, 'domain'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `${f} rejected by libvirt's schema:\n${r.stdout}${r.stderr}`);
  }
});
