/**
 * The pod worker against real processes, mounts and namespaces (root only), with the API
 * replaced by an in-memory recorder: start, volumes, env, logs, restart back-off, agent restart
 * re-adoption, graceful and forced termination.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PodWorker, type PodApi } from '../../src/cluster/kubelet/pod-worker.js';
import { StateDir } from '../../src/cluster/kubelet/pod-record.js';
import { sandboxSupported } from '../../src/cluster/kubelet/sandbox.js';
import { isAlive } from '../../src/cluster/kubelet/procs.js';
import { readPodLog } from '../../src/cluster/kubelet/logs.js';
import { removeNodeCgroups, sharesToWeight } from '../../src/cluster/kubelet/cgroups.js';
import type { Pod, PodStatus } from '../../src/cluster/kubelet/types.js';

const skip = sandboxSupported() ? false : 'needs root, unshare and nsenter';
const root = mkdtempSync('/var/tmp/kubelet-test-');
const NODE = 'kt-test-worker';
after(() => {
  rmSync(root, { recursive: true, force: true });
  removeNodeCgroups(NODE);
});

class FakeApi implements PodApi {
  statuses = new Map<string, PodStatus>();
  deleted = new Set<string>();
  events: string[] = [];
  configMaps = new Map<string, Record<string, string>>([['cfg', { greeting: 'hi-from-cm' }]]);
  configMap(_ns: string, name: string): Promise<Record<string, string> | undefined> {
    return Promise.resolve(this.configMaps.get(name));
  }
  secret(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  claimPath(): Promise<string> {
    return Promise.reject(new Error('no claims in this test'));
  }
  serviceAccountToken(): Promise<string> {
    return Promise.resolve('token');
  }
  patchStatus(pod: Pod, status: PodStatus): Promise<void> {
    this.statuses.set(pod.metadata?.uid ?? '', status);
    return Promise.resolve();
  }
  deleteFinal(pod: Pod): Promise<void> {
    this.deleted.add(pod.metadata?.uid ?? '');
    return Promise.resolve();
  }
}

function newWorker(api: FakeApi, state: StateDir): PodWorker {
  return new PodWorker({ node: NODE, hostIP: '127.0.0.1', state, api, images: { repoDir: process.cwd() }, log: () => {}, events: (_p, e) => api.events.push(`${e.type} ${e.reason} ${e.message}`) });
}

/** Syncs until `done` holds for the pod as the API would now show it, with a deadline. */
async function syncUntil(w: PodWorker, api: FakeApi, pod: Pod, done: (s: PodStatus | undefined) => boolean, ms = 15_000): Promise<PodStatus | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const uid = pod.metadata?.uid ?? '';
    const current = { ...pod, status: api.statuses.get(uid) };
    await w.sync(current);
    const s = api.statuses.get(uid);
    if (done(s)) return s;
    if (Date.now() > deadline) throw new Error(`condition not reached; last status ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function hostPod(uid: string, script: string, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: `p-${uid}`, namespace: 'default', uid },
    spec: {
      nodeName: 'node01',
      terminationGracePeriodSeconds: 2,
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [{
        name: 'main',
        image: 'kubevirt-ts/host:latest',
        command: ['/bin/sh', '-c', script],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } }],
        volumeMounts: [{ name: 'data', mountPath: '/kt-data' }],
      }],
      ...extra,
    },
  };
}

const running = (s: PodStatus | undefined): boolean => s?.phase === 'Running' && s.containerStatuses?.[0]?.ready === true;

test('a pod runs in its own namespaces, survives an agent restart and is deleted gracefully', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'a'));
  const pod = hostPod('uid-a', 'echo "$GREETING" > /kt-data/out; echo private > /tmp/kt-private; echo started; exec sleep 60');
  const s = await syncUntil(newWorker(api, state), api, pod, running);
  assert.equal(s?.qosClass, 'BestEffort');
  assert.deepEqual(api.events, ['Normal Pulled Container image "kubevirt-ts/host:latest" already present on machine', 'Normal Created Created container: main', 'Normal Started Started container main']);
  assert.equal(s?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  const out = join(state.podDir('uid-a'), 'volumes', 'data', 'out');
  await syncUntil(newWorker(api, state), api, pod, () => existsSync(out));
  assert.equal(readFileSync(out, 'utf8'), 'hi-from-cm\n');
  assert.equal(existsSync('/tmp/kt-private'), false, 'the pod /tmp is private');
  assert.equal(existsSync('/kt-data/out'), false, 'volume mounts stay in the pod namespace');
  const log = await readPodLog(state.root, 'default', 'p-uid-a', 'main', {});
  assert.equal(log, 'started\n');

  // A new worker (agent restart) re-adopts the running container instead of starting another.
  const rec = state.load('uid-a');
  const pid = rec?.containers.main?.proc?.pid;
  assert.ok(pid);
  const again = await syncUntil(newWorker(api, state), api, pod, running);
  assert.equal(again?.containerStatuses?.[0]?.restartCount, 0);
  assert.equal(state.load('uid-a')?.containers.main?.proc?.pid, pid);

  const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 2 } };
  const w = newWorker(api, state);
  const deadline = Date.now() + 10_000;
  while (!api.deleted.has('uid-a') && Date.now() < deadline) {
    await w.sync(deleting);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(api.deleted.has('uid-a'), 'final delete issued');
  assert.equal(api.events.at(-1), 'Normal Killing Stopping container main');
  assert.equal(isAlive(rec?.sandbox?.pid ?? 0, rec?.sandbox?.startTime ?? ''), false, 'sandbox gone');
  assert.equal(existsSync(state.podDir('uid-a')), false, 'state removed');
});

test('a container ignoring SIGTERM is killed after the grace period', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'b'));
  const pod = hostPod('uid-b', "trap '' TERM; echo ready; while :; do sleep 1; done");
  const w = newWorker(api, state);
  await syncUntil(w, api, pod, running);
  const t0 = Date.now();
  const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 1 } };
  const deadline = Date.now() + 10_000;
  while (!api.deleted.has('uid-b') && Date.now() < deadline) {
    await w.sync(deleting);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(api.deleted.has('uid-b'));
  assert.ok(Date.now() - t0 >= 1000, 'waited out the grace period');
});

test('a crashing container restarts with its last state recorded, then backs off', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'c'));
  const pod = hostPod('uid-c', 'echo run; exit 3');
  const w = newWorker(api, state);
  const s = await syncUntil(w, api, pod, (st) => st?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff');
  const cs = s?.containerStatuses?.[0];
  assert.equal(cs?.restartCount, 1);
  assert.equal(cs?.lastState.terminated?.exitCode, 3);
  assert.equal(cs?.lastState.terminated?.reason, 'Error');
  assert.equal(s?.phase, 'Running');
  assert.equal(await readPodLog(state.root, 'default', 'p-uid-c', 'main', { previous: true }), 'run\n');
  assert.equal(api.events.at(-1), 'Warning BackOff Back-off restarting failed container main in pod p-uid-c_default(uid-c)');
  await w.forget('uid-c');
});

test('restartPolicy Never: the pod succeeds or fails with the exit code, init containers first', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'd'));
  const cases: [string, string, string, number][] = [['uid-d1', 'exit 0', 'Succeeded', 0], ['uid-d2', 'exit 7', 'Failed', 7]];
  for (const [uid, script, phase, code] of cases) {
    const pod = hostPod(uid, script, {
      restartPolicy: 'Never',
      initContainers: [{ name: 'init', image: 'kubevirt-ts/host:1', command: ['/bin/sh', '-c', 'echo init > /kt-data/init'], volumeMounts: [{ name: 'data', mountPath: '/kt-data' }] }],
    });
    const s = await syncUntil(newWorker(api, state), api, pod, (st) => st?.phase === phase);
    assert.equal(s?.containerStatuses?.[0]?.state.terminated?.exitCode, code);
    assert.equal(s?.initContainerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    assert.equal(s?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    await newWorker(api, state).forget(uid);
  }
});

test('an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'e'));
  const pod = hostPod('uid-e', 'true');
  const bad: Pod = { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0]!, image: 'docker.io/library/busybox:1.36' }] } };
  const w = newWorker(api, state);
  const first = await syncUntil(w, api, bad, (s) => s?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull');
  assert.equal(first?.phase, 'Pending');
  const second = await syncUntil(w, api, bad, (s) => s?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
  assert.match(second?.containerStatuses?.[0]?.state.waiting?.message ?? '', /Back-off pulling image "docker.io\/library\/busybox:1.36"/);
  assert.deepEqual(api.events.slice(0, 2), ['Warning Failed Failed to pull image "docker.io/library/busybox:1.36": failed to pull image "docker.io/library/busybox:1.36": no image store configured on this node', 'Warning Failed Error: ErrImagePull']);
  assert.deepEqual(api.events.slice(-2), ['Normal BackOff Back-off pulling image "docker.io/library/busybox:1.36"', 'Warning Failed Error: ImagePullBackOff']);
  await w.forget('uid-e');
});

test('a failing liveness probe (run in the pod namespace) restarts the container', { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'f'));
  const pod = hostPod('uid-f', 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; exec sleep 60');
  const probed: Pod = { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0]!, livenessProbe: { exec: { command: ['test', '-f', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 } }] } };
  const w = newWorker(api, state);
  const s = await syncUntil(w, api, probed, (st) => (st?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
  assert.equal(s?.containerStatuses?.[0]?.lastState.terminated?.exitCode, 143);
  await w.forget('uid-f');
});

test("a container's cgroups are weighted by its CPU request, as kubelet's cpu.shares", { skip }, async () => {
  const api = new FakeApi();
  const state = new StateDir(join(root, 'g'));
  const pod = hostPod('uid-g', 'exec sleep 60');
  const requested: Pod = { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0]!, resources: { requests: { cpu: '250m' } } }] } };
  const w = newWorker(api, state);
  await syncUntil(w, api, requested, running);
  const pid = state.load('uid-g')?.containers.main?.proc?.pid;
  assert.ok(pid);
  // The cpu controller's path of the container's process, and its weight file (v1 shares or v2 weight).
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:(.*,)?cpu(,.*)?:/.test(l) || l.startsWith('0::'));
  const rel = line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) ?? '';
  assert.match(rel, /kubevirt-ts\/kt-test-worker\/poduid-g\/main$/);
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const read = (dir: string): number => Number(readFileSync(v2 ? `/sys/fs/cgroup${dir}/cpu.weight` : `/sys/fs/cgroup/cpu${dir}/cpu.shares`, 'utf8'));
  const want = v2 ? sharesToWeight(256) : 256;
  assert.equal(read(rel), want, 'container weight from its 250m request');
  assert.equal(read(dirname(rel)), want, 'pod weight from the sum of its requests');
  await w.forget('uid-g');
});
