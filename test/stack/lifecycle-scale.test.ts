/**
 * 20 VMIs created at once under `kubevirt-ts up --nodes 2` all reach Running and Ready, spread
 * over both nodes, and are all cleaned up on delete. Needs root and a build (as up-vmi.test.ts).
 * The time taken is printed (it depends on how loaded the machine's two cores are).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { until } from '../fixtures/wait.js';
import { stackSkip as missing, UpCluster, vmiSpec } from './harness.js';

const COUNT = 20;
let c: UpCluster | undefined;

before(async () => {
  if (!missing) c = await UpCluster.start({ nodes: 2 });
});

after(async () => {
  if (c) assert.equal(await c.stop(), 0);
});

const phases = (c: UpCluster): string[] =>
  c.kubectl(['get', 'vmi', '-l', 'app=lc-scale', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']).out.split('\n').filter(Boolean);

test(`${COUNT} VMIs created at once all run, on both nodes`, { skip: missing, timeout: 600_000 }, async () => {
  const cl = c;
  if (!cl) throw new Error('cluster not started');
  try {
    const vmis = Array.from({ length: COUNT }, (_, i) => ({
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: `lc-scale-${i}`, labels: { app: 'lc-scale' } }, spec: vmiSpec(),
    }));
    const t0 = Date.now();
    cl.apply(...vmis);
    await until(`${COUNT} VMIs Running`, () => {
      const p = phases(cl);
      return p.length === COUNT && p.every((x) => x === 'Running') ? true : undefined;
    }, 540_000, 1000);
    const secs = (Date.now() - t0) / 1000;
    console.log(`${COUNT} VMIs Running ${secs.toFixed(1)} s after creation`);
    const ready = cl.kubectl(['get', 'vmi', '-l', 'app=lc-scale', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']).out.split('\n').filter(Boolean);
    assert.equal(ready.filter((r) => r === 'True').length, COUNT, 'all Ready');
    const nodes = new Set(cl.kubectl(['get', 'vmi', '-l', 'app=lc-scale', '-o', 'jsonpath={range .items[*]}{.status.nodeName}{"\\n"}{end}']).out.split('\n').filter(Boolean));
    assert.deepEqual([...nodes].sort(), ['node01', 'node02']);

    assert.equal(cl.kubectl(['delete', 'vmi', '-l', 'app=lc-scale', '--wait', '--timeout=300s']).code, 0);
    await until('every QEMU gone', () => (spawnSync('pgrep', ['-f', 'guest=default_lc-scale-'], { encoding: 'utf8' }).stdout.trim() === '' ? true : undefined), 120_000, 500);
  } catch (e) {
    throw cl.withLog(e);
  }
});
