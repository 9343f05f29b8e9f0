import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuProfileDir, startCpuProfile } from './cpu-profile.js';

test('the profile directory comes from KUBEVIRT_TS_COMPONENT_CPU_PROF only when set and not empty', () => {
  const cases: [NodeJS.ProcessEnv, string | undefined][] = [
    [{}, undefined],
    [{ KUBEVIRT_TS_COMPONENT_CPU_PROF: '' }, undefined],
    [{ KUBEVIRT_TS_COMPONENT_CPU_PROF: '/var/tmp/p' }, '/var/tmp/p'],
  ];
  for (const [env, want] of cases) assert.equal(cpuProfileDir(env), want, JSON.stringify(env));
});

test('startCpuProfile writes <name>.<pid>.cpuprofile with samples into the directory; a no-op without one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-prof-'));
  try {
    const stop = await startCpuProfile('virt-test', join(dir, 'sub'));
    let x = 0;
    for (let i = 0; i < 200_000; i++) x += Math.sqrt(i);
    assert.ok(x > 0);
    const file = await stop();
    assert.equal(file, join(dir, 'sub', `virt-test.${process.pid}.cpuprofile`));
    const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: unknown[]; samples: unknown[]; startTime: number; endTime: number };
    assert.ok(p.nodes.length > 0 && Array.isArray(p.samples) && p.endTime >= p.startTime);
    assert.equal(await (await startCpuProfile('virt-test', undefined))(), undefined);
    assert.deepEqual(readdirSync(join(dir, 'sub')), [`virt-test.${process.pid}.cpuprofile`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
