import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuProfileDir, startCpuProfile } from './cpu-profile.js';

test('the profile directory comes from KUBEVIRT_TS_NODE_AGENT_CPU_PROF_DIR only when set and not empty', () => {
  const cases: [NodeJS.ProcessEnv, string | undefined][] = [
    [{}, undefined],
    [{ KUBEVIRT_TS_NODE_AGENT_CPU_PROF_DIR: '' }, undefined],
    [{ KUBEVIRT_TS_NODE_AGENT_CPU_PROF_DIR: '/var/tmp/p' }, '/var/tmp/p'],
  ];
  for (const [env, want] of cases) assert.equal(cpuProfileDir(env), want, JSON.stringify(env));
});

test('a started profile is written as a .cpuprofile named for the node and pid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-cpuprof-'));
  try {
    const stop = await startCpuProfile(join(dir, 'sub'), 'node07');
    const file = await stop();
    assert.equal(file, join(dir, 'sub', `node-agent-node07-${process.pid}.cpuprofile`));
    const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number };
    assert.ok(p.nodes.length > 0 && p.endTime >= p.startTime);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
