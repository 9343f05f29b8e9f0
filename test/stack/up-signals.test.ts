/**
 * `up` never leaves guests behind when what surrounds it goes away: it keeps running after the
 * reader of its output is gone (log writes hit EPIPE) and then stops cleanly on SIGHUP; a test or
 * benchmark process killed with SIGTERM first stops the cluster it started through the harness.
 * Each test runs one single-node cluster with a sleeping pod. Needs root and a build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../fixtures/wait.js';
import { root, stackSkip as skip, UpCluster } from './harness.js';

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleeper' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'kubevirt-ts/host:latest', command: ['sleep', '3598'] }] } };

/** Whether `pid` runs and its command line or mounts mention `mark` (so a recycled pid does not count). */
function runsWith(pid: number, mark: string): boolean {
  try {
    return `${readFileSync(`/proc/${pid}/cmdline`, 'utf8')}${readFileSync(`/proc/${pid}/mountinfo`, 'utf8')}`.includes(mark);
  } catch {
    return false;
  }
}

test('up keeps running when its output reader is gone, then stops cleanly on SIGHUP', { skip, timeout: 420_000 }, async () => {
  const c = await UpCluster.start({ nodes: 1 });
  try {
    c.apply(POD);
    await c.waitFor('pod', 'sleeper', '.status.phase', 'Running', 120_000);
    const podPids = await until('the pod process', () => {
      const found = c.podProcesses(/\bsleep 3598\b/);
      return found.length > 0 ? found : undefined;
    }, 30_000, 200);

    await c.closeOutput();
    // A killed node agent makes up log (its exit, then the new agent's output) into the closed pipes.
    const agent = c.descendant(/dist\/cmd\/node-agent\.js/);
    process.kill(agent, 'SIGKILL');
    await until('the node agent restarted', () => {
      const now = c.descendants(/dist\/cmd\/node-agent\.js/);
      return now.length === 1 && now[0] !== agent ? true : undefined;
    }, 60_000, 200);
    assert.equal(await c.exitWithin(5000), 'running', 'up survives writing to closed pipes');
    assert.equal(c.jsonpath('pod', 'sleeper', '.status.phase'), 'Running');
    assert.ok(podPids.every((pid) => runsWith(pid, c.dataDir)), 'the pod still runs');

    process.kill(c.pid, 'SIGHUP');
    assert.equal(await c.exitWithin(150_000), 0, 'a clean stop on SIGHUP');
    assert.deepEqual(podPids.filter((pid) => runsWith(pid, c.dataDir)), [], 'no pod process left');
    assert.deepEqual(c.podProcesses(/./), []);
    assert.ok(!existsSync(join(c.dataDir, 'up.json')), 'up removed its record');
  } catch (e) {
    throw c.withLog(e);
  } finally {
    await c.stop();
  }
});

test('a test process killed with SIGTERM stops the cluster it started', { skip, timeout: 420_000 }, async () => {
  const holder = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/stack/hold-cluster.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  holder.stdout.on('data', (b: Buffer) => (out += b.toString()));
  holder.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => holder.once('exit', resolve));
  let held: { pid: number; dataDir: string; podPids: number[] } | undefined;
  try {
    held = await until('the holder started its cluster', () => {
      if (holder.exitCode !== null) throw new Error(`the holder exited with ${holder.exitCode}: ${out}`);
      const line = out.split('\n').find((l) => l.startsWith('{"pid"'));
      return line ? (JSON.parse(line) as { pid: number; dataDir: string; podPids: number[] }) : undefined;
    }, 300_000, 200);
    const h = held;
    assert.ok(runsWith(h.pid, h.dataDir) && h.podPids.every((pid) => runsWith(pid, h.dataDir)));

    holder.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 180_000).unref())]);
    assert.equal(code, 143, out);
    assert.equal(runsWith(h.pid, h.dataDir), false, 'up is gone');
    assert.deepEqual(h.podPids.filter((pid) => runsWith(pid, h.dataDir)), [], 'no pod process left');
    assert.equal(existsSync(h.dataDir), false, 'the data dir is removed');
  } finally {
    if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    if (held && runsWith(held.pid, held.dataDir)) await stopOrphan(held.pid, held.dataDir);
    if (held) rmSync(held.dataDir, { recursive: true, force: true });
  }
});

/** After a failure: SIGTERM the holder's `up` (its own clean stop removes pods and network) and
 *  wait; if it hangs, SIGKILL it and every process whose mounts name its data dir (its pods). */
async function stopOrphan(pid: number, dataDir: string): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const stopped = await until('the orphaned up to stop', () => (runsWith(pid, dataDir) ? undefined : true), 150_000, 500).catch(() => false);
  if (stopped) return;
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    try {
      if (p === pid || runsWith(p, dataDir)) process.kill(p, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
