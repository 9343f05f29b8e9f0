/**
 * Host paths under the directories every pod mounts privately (/tmp, /run, ...) stay reachable,
 * for real: a pod whose component image lives in a checkout under /tmp (the node agent binds the
 * repository back) reads a hostPath volume under /tmp (read-write at /data, read-only at a path
 * under the pod's own /tmp) and writes its findings back to the host; the pod's /tmp stays private
 * and the staging mount is gone. Needs root (sandboxes).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeNodeCgroups } from '../../src/cluster/kubelet/cgroups.js';
import { StateDir } from '../../src/cluster/kubelet/pod-record.js';
import { PodWorker } from '../../src/cluster/kubelet/pod-worker.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import type { Pod } from '../../src/cluster/kubelet/types.js';
import { fakePodApi } from '../fixtures/fake-pod-api.js';
import { until } from '../fixtures/wait.js';

const skip = sandboxSupported() ? false : 'needs root, unshare and nsenter';
const NODE = 'kt-privdir';
const state = mkdtempSync('/var/tmp/kt-privdir-');
const hostTmp = mkdtempSync('/tmp/kvts-privdir-');
const repo = join(hostTmp, 'repo');
const shared = join(hostTmp, 'shared');

after(() => {
  rmSync(state, { recursive: true, force: true });
  rmSync(hostTmp, { recursive: true, force: true });
  removeNodeCgroups(NODE);
});

/** The component the pod runs (CommonJS: the fake checkout has no package.json): reports what it sees. */
const PROBE = `const fs = require('node:fs');
const r = { greeting: fs.readFileSync('/data/greeting', 'utf8'), roGreeting: fs.readFileSync('/tmp/in-pod/greeting', 'utf8') };
try { fs.writeFileSync('/tmp/in-pod/x', 'x'); r.roWrite = 'written'; } catch (e) { r.roWrite = e.code; }
r.hostMarkerVisible = fs.existsSync(process.env.HOST_TMP + '/marker');
r.mntMounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\\n').filter((l) => l.split(' ')[4] === '/mnt').length;
fs.writeFileSync('/data/result.json', JSON.stringify(r));
`;

const pod: Pod = {
  metadata: { name: 'probe', namespace: 'default', uid: 'privdir-1' },
  spec: {
    nodeName: NODE,
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 1,
    volumes: [{ name: 'shared', hostPath: { path: shared, type: 'Directory' } }],
    containers: [{
      name: 'probe',
      image: 'kubevirt-ts/privdir-probe:dev',
      env: [{ name: 'HOST_TMP', value: hostTmp }],
      volumeMounts: [{ name: 'shared', mountPath: '/data' }, { name: 'shared', mountPath: '/tmp/in-pod', readOnly: true }],
    }],
  },
};

const mntMounts = (): number => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === '/mnt').length;

test('a pod runs a checkout under /tmp and reads and writes a hostPath volume under /tmp', { skip, timeout: 60_000 }, async () => {
  mkdirSync(join(repo, 'dist', 'cmd'), { recursive: true });
  writeFileSync(join(repo, 'dist', 'cmd', 'privdir-probe.js'), PROBE);
  mkdirSync(shared);
  writeFileSync(join(shared, 'greeting'), 'hello from the host\n');
  writeFileSync(join(hostTmp, 'marker'), 'only on the host\n');
  const api = fakePodApi();
  const w = new PodWorker({ node: NODE, hostIP: '127.0.0.1', state: new StateDir(state), api, images: { repoDir: repo }, log: () => {} });
  try {
    const uid = pod.metadata?.uid ?? '';
    const status = await until('the probe pod to finish', async () => {
      await w.sync({ ...pod, status: api.statuses.get(uid) });
      const s = api.statuses.get(uid);
      return s?.phase === 'Succeeded' || s?.phase === 'Failed' ? s : undefined;
    }, 45_000, 200);
    assert.equal(status.phase, 'Succeeded', JSON.stringify(status));
    const result = JSON.parse(readFileSync(join(shared, 'result.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(result, {
      greeting: 'hello from the host\n',
      roGreeting: 'hello from the host\n',
      roWrite: 'EROFS',
      hostMarkerVisible: false,
      mntMounts: mntMounts(),
    });
  } finally {
    await w.forget(pod.metadata?.uid ?? '');
  }
});
