import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { VirtualMachineInstance } from '../vmi.js';
import { DEFAULT_CLUSTER_CONFIG } from './cluster-config.js';
import { defaultVMI } from './vmi.js';

const examples = new URL('../../../../examples/', import.meta.url).pathname;
const testdata = new URL('./testdata/', import.meta.url).pathname;

// The whole defaulted VMI, pinned: refresh with UPDATE_GOLDEN=1 after a deliberate change.
for (const name of ['vmi-containerdisk', 'vmi-multiple-nics']) {
  test(`defaulted ${name} matches its golden file`, () => {
    const vmi = parse(readFileSync(`${examples}${name}.yaml`, 'utf8')) as VirtualMachineInstance;
    vmi.metadata = { ...vmi.metadata, namespace: 'default' };
    const out = `${JSON.stringify(defaultVMI(vmi, DEFAULT_CLUSTER_CONFIG, { now: '2026-01-01T00:00:00Z' }).object, null, 2)}\n`;
    const file = `${testdata}${name}.defaulted.json`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, out);
    assert.equal(out, readFileSync(file, 'utf8'), `${file} differs; UPDATE_GOLDEN=1 rewrites it`);
  });
}
