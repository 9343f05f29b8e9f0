/**
 * hostPath volumes with kubelet's `type` checks, for real (a PodWorker with real mounts, no `up`):
 * a `File` volume is bound onto a file target and read, a `FileOrCreate` file is created empty on
 * the host and written through, and a `Directory` on a missing path keeps the pod in
 * ContainerCreating with kubelet's FailedMount event. Needs root (sandboxes).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeNodeCgroups } from '../../src/cluster/kubelet/cgroups.js';
import type { PodEvent } from '../../src/cluster/kubelet/events.js';
import { StateDir } from '../../src/cluster/kubelet/pod-record.js';
import { PodWorker } from '../../src/cluster/kubelet/pod-worker.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import type { Pod } from '../../src/cluster/kubelet/types.js';
import { fakePodApi } from '../fixtures/fake-pod-api.js';
import { until } from '../fixtures/wait.js';

const skip = sandboxSupported() ? false : 'needs root, unshare and nsenter';
const NODE = 'kt-hostpath';
const state = mkdtempSync('/var/tmp/kt-hostpath-');
const host = mkdtempSync('/var/tmp/kt-hostpath-host-');
const repo = join(host, 'repo');

after(() => {
  rmSync(state, { recursive: true, force: true });
  rmSync(host, { recursive: true, force: true });
  removeNodeCgroups(NODE);
});

/** The component the pod runs: reads the File volume, writes through the FileOrCreate one. */
const PROBE = `const fs = require('node:fs');
const r = { greeting: fs.readFileSync('/tmp/greeting.txt', 'utf8'), isFile: fs.statSync('/tmp/greeting.txt').isFile(), createdWasEmpty: fs.readFileSync('/run/kt/created.log', 'utf8') === '' };
fs.writeFileSync('/run/kt/created.log', JSON.stringify(r));
`;

const probePod = (uid: string, volumes: NonNullable<Pod['spec']['volumes']>, mounts: { name: string; mountPath: string; readOnly?: boolean }[]): Pod => ({
  metadata: { name: uid, namespace: 'default', uid },
  spec: {
    nodeName: NODE,
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 1,
    volumes,
    containers: [{ name: 'probe', image: 'kubevirt-ts/hostpath-probe:dev', volumeMounts: mounts }],
  },
});

test('hostPath File and FileOrCreate volumes mount files; a missing Directory fails with FailedMount', { skip, timeout: 90_000 }, async () => {
  mkdirSync(join(repo, 'dist', 'cmd'), { recursive: true });
  writeFileSync(join(repo, 'dist', 'cmd', 'hostpath-probe.js'), PROBE);
  writeFileSync(join(host, 'greeting.txt'), 'hello file\n');
  const created = join(host, 'created.log');
  const api = fakePodApi();
  const events: PodEvent[] = [];
  const w = new PodWorker({ node: NODE, hostIP: '127.0.0.1', state: new StateDir(state), api, images: { repoDir: repo }, log: () => {}, events: (_p, e) => events.push(e) });
  const good = probePod('hostpath-files', [
    { name: 'greeting', hostPath: { path: join(host, 'greeting.txt'), type: 'File' } },
    { name: 'log', hostPath: { path: created, type: 'FileOrCreate' } },
  ], [{ name: 'greeting', mountPath: '/tmp/greeting.txt', readOnly: true }, { name: 'log', mountPath: '/run/kt/created.log' }]);
  const missing = join(host, 'absent');
  const bad = probePod('hostpath-missing', [{ name: 'data', hostPath: { path: missing, type: 'Directory' } }], [{ name: 'data', mountPath: '/data' }]);
  try {
    const status = await until('the file probe pod to finish', async () => {
      await w.sync({ ...good, status: api.statuses.get('hostpath-files') });
      const s = api.statuses.get('hostpath-files');
      return s?.phase === 'Succeeded' || s?.phase === 'Failed' ? s : undefined;
    }, 60_000, 200);
    assert.equal(status.phase, 'Succeeded', JSON.stringify(status));
    assert.equal(statSync(created).mode & 0o777, 0o644);
    assert.deepEqual(JSON.parse(readFileSync(created, 'utf8')), { greeting: 'hello file\n', isFile: true, createdWasEmpty: true });

    const waiting = await until('the missing Directory pod to report its mount failure', async () => {
      await w.sync({ ...bad, status: api.statuses.get('hostpath-missing') });
      return api.statuses.get('hostpath-missing')?.containerStatuses?.[0]?.state?.waiting;
    }, 30_000, 200);
    assert.equal(waiting.reason, 'ContainerCreating');
    assert.equal(api.statuses.get('hostpath-missing')?.phase, 'Pending');
    assert.ok(events.some((e) => e.type === 'Warning' && e.reason === 'FailedMount' && e.message === `MountVolume.SetUp failed for volume "data" : hostPath type check failed: ${missing} does not exist`), JSON.stringify(events));
    assert.equal(existsSync(missing), false, 'a Directory volume never creates its path');
  } finally {
    await w.forget('hostpath-files');
    await w.forget('hostpath-missing');
  }
});
