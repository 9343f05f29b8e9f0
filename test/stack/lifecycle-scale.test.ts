/**
 * 20 VMIs created at once under `kubevirt-ts up --nodes 2` all reach Running and Ready, spread
 * over both nodes and labelled kubevirt.io/nodeName with their node, and are all cleaned up on
 * delete. Needs root and a build (as up-vmi.test.ts).
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
    const placed = cl.kubectl(['get', 'vmi', '-l', 'app=lc-scale', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.nodeName} {.metadata.labels.kubevirt\\.io/nodeName}{"\\n"}{end}']).out.split('\n').filter(Boolean).map((l) => l.split(' '));
    assert.equal(placed.length, COUNT);
    // virt-controller labels each VMI with its node (virt-handler selects its VMIs by that label).
    for (const [name, node, label] of placed) assert.equal(label, node, `${name ?? ''}: kubevirt.io/nodeName label = status.nodeName`);
    assert.deepEqual([...new Set(placed.map(([, node]) => node))].sort(), ['node01', 'node02']);
    // Each node's VMIs by label selector, as its virt-handler watches them: together, all of them.
    const byLabel = ['node01', 'node02'].map((n) => cl.kubectl(['get', 'vmi', '-l', `app=lc-scale,kubevirt.io/nodeName=${n}`, '-o', 'name']).out.split('\n').filter(Boolean).length);
    assert.equal(byLabel[0]! + byLabel[1]!, COUNT, `VMIs selected per node: ${byLabel.join(', ')}`);

    assert.equal(cl.kubectl(['delete', 'vmi', '-l', 'app=lc-scale', '--wait', '--timeout=300s']).code, 0);
    await until('every QEMU gone', () => (spawnSync('pgrep', ['-f', 'guest=default_lc-scale-'], { encoding: 'utf8' }).stdout.trim() === '' ? true : undefined), 120_000, 500);
  } catch (e) {
    throw cl.withLog(e);
  }
});
