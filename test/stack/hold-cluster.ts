/**
 * The stand-in for a benchmark or test process in up-signals.test.ts: starts one cluster through
 * the harness with a sleeping pod, prints `{ pid, dataDir, podPids }` as one JSON line and waits
 * to be signalled. Stops the cluster and exits by itself after five minutes.
 */
import { until } from '../fixtures/wait.js';
import { UpCluster } from './harness.js';

const c = await UpCluster.start({ nodes: 1 });
setTimeout(() => void c.stop().then(() => process.exit(3)), 300_000);
try {
  c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'held' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'kubevirt-ts/host:latest', command: ['sleep', '3599'] }] } });
  await c.waitFor('pod', 'held', '.status.phase', 'Running', 120_000);
  const podPids = await until('the pod process', () => {
    const found = c.podProcesses(/\bsleep 3599\b/);
    return found.length > 0 ? found : undefined;
  }, 30_000, 200);
  process.stdout.write(`${JSON.stringify({ pid: c.pid, dataDir: c.dataDir, podPids })}\n`);
} catch (e) {
  await c.stop();
  throw c.withLog(e);
}
