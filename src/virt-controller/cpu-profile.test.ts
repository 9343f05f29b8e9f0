import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCpuProfile } from './cpu-profile.js';

test('startCpuProfile: writes <component>.<pid>.cpuprofile with samples into the directory; a no-op without one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-prof-'));
  try {
    const stop = await startCpuProfile('virt-test', dir);
    let x = 0;
    for (let i = 0; i < 200_000; i++) x += Math.sqrt(i);
    assert.ok(x > 0);
    await stop();
    assert.deepEqual(readdirSync(dir), [`virt-test.${process.pid}.cpuprofile`]);
    const profile = JSON.parse(readFileSync(join(dir, `virt-test.${process.pid}.cpuprofile`), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    assert.ok(profile.nodes.length > 0 && Array.isArray(profile.samples));
    await (await startCpuProfile('virt-test', undefined))();
    assert.equal(readdirSync(dir).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
