import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodEvent } from './events.js';
import { StateDir } from './pod-record.js';
import { PodWorker, type PodApi } from './pod-worker.js';
import type { Pod, PodStatus } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'kt-podworker-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A pod whose only volume is a `Directory` hostPath that does not exist: its mount fails every time. */
const pod: Pod = {
  metadata: { name: 'p', namespace: 'default', uid: 'u-mount' },
  spec: {
    nodeName: 'n',
    volumes: [{ name: 'data', hostPath: { path: join(root, 'absent'), type: 'Directory' } }],
    containers: [{ name: 'c', image: 'kubevirt-ts/x:dev', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
  },
};

test("a failing mount is retried on kubelet's volume back-off (500 ms doubling), one FailedMount per attempt, whatever wakes the pod", async () => {
  const statuses: PodStatus[] = [];
  const api: PodApi = {
    configMap: () => Promise.resolve(undefined),
    secret: () => Promise.resolve(undefined),
    claimPath: () => Promise.reject(new Error('no claims')),
    serviceAccountToken: () => Promise.resolve('t'),
    patchStatus: (_p, s) => Promise.resolve(void statuses.push(s)),
    deleteFinal: () => Promise.resolve(),
  };
  let now = 1_000_000;
  const events: PodEvent[] = [];
  const w = new PodWorker({ node: 'n', hostIP: '127.0.0.1', state: new StateDir(join(root, 'state')), api, images: { repoDir: root }, log: () => undefined, events: (_p, e) => events.push(e), now: () => now });
  const mounts = () => events.filter((e) => e.reason === 'FailedMount').length;

  // [ms since the previous step, the delay sync returns, FailedMount events so far]
  const steps: [number, number, number][] = [
    [0, 500, 1], // first failure: retry in 500 ms
    [0, 500, 1], // woken at once (e.g. by its own status write): no retry, same wait
    [200, 300, 1], // woken again inside the back-off: the rest of the wait
    [300, 1000, 2], // back-off over: retried, failed, doubled
    [1000, 2000, 3],
    [2000, 4000, 4],
  ];
  for (const [i, [advance, want, failedMounts]] of steps.entries()) {
    now += advance;
    assert.equal(await w.sync({ ...pod, ...(statuses.length ? { status: statuses.at(-1) } : {}) }), want, `step ${i}: requeue delay`);
    assert.equal(mounts(), failedMounts, `step ${i}: FailedMount events`);
  }
  assert.equal(events.find((e) => e.reason === 'FailedMount')?.type, 'Warning');
  assert.equal(statuses.at(-1)?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
  assert.equal(statuses.length, 1, 'the status is written once: retries change nothing in it');
});
