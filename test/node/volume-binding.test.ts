// The scheduler and the local volume controller together against the in-process API server:
// a pod's WaitForFirstConsumer claim gets the chosen node as selected-node, is provisioned
// there, and only then is the pod bound; a pod whose claim does not exist stays Pending with
// kube-scheduler's message and is placed once the claim appears; a claim nobody provisions makes
// the pod fail PreBind after the bind timeout with kube-scheduler's FailedScheduling message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../src/client/kube-client.js';
import { BIND_TIMEOUT_MESSAGE, Scheduler } from '../../src/cluster/scheduler/scheduler.js';
import { LocalVolumeController, type PersistentVolume, type PersistentVolumeClaim } from '../../src/cluster/storage/index.js';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { until } from '../fixtures/wait.js';

let ts: TestServer;
let client: KubeClient;
let storage: LocalVolumeController;
let scheduler: Scheduler;
const NS = '/api/v1/namespaces/default';
/** Short, so the timeout test is quick, yet far above the local provisioner's bind time. */
const BIND_TIMEOUT_MS = 6000;

interface PodLike {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

before(async () => {
  ts = await startTestServer();
  client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  for (const name of ['node01', 'node02']) {
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await client.patch(`/api/v1/nodes/${name}/status`, { status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, capacity: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] } });
  }
  storage = new LocalVolumeController(client, { dataDir: ts.dataDir });
  await storage.start();
  scheduler = new Scheduler(client, { retryUnschedulableMs: 60_000, bindTimeoutMs: BIND_TIMEOUT_MS });
  await scheduler.start();
});

after(async () => {
  await scheduler?.stop();
  await storage?.stop();
  client?.close();
  await ts?.close();
});

const createClaim = (name: string): Promise<PersistentVolumeClaim> =>
  client.create(`${NS}/persistentvolumeclaims`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } });
const createPod = (name: string, claim: string, nodeSelector?: Record<string, string>): Promise<unknown> =>
  client.create(`${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...(nodeSelector ? { nodeSelector } : {}),
      containers: [{ name: 'c', image: 'kubevirt-ts/host:latest', command: ['true'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
    },
  });
const getPod = (name: string): Promise<PodLike> => client.get(`${NS}/pods/${name}`);

test('a WaitForFirstConsumer claim is provisioned on the node chosen for its pod before the pod is bound', async () => {
  await createClaim('data1');
  await createPod('consumer', 'data1', { 'kubernetes.io/hostname': 'node02' });
  const pod = await until('pod bound', async () => {
    const p = await getPod('consumer');
    return p.spec?.nodeName ? p : undefined;
  }, 15_000, 50);
  assert.equal(pod.spec?.nodeName, 'node02');
  // By the time the pod is bound, its claim is Bound to a volume pinned to that node.
  const pvc = await client.get<PersistentVolumeClaim>(`${NS}/persistentvolumeclaims/data1`);
  assert.equal(pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'node02');
  assert.equal(pvc.status?.phase, 'Bound');
  const pv = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${pvc.spec?.volumeName ?? ''}`);
  assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, ['node02']);

  // A second pod of the same claim follows the volume to node02 (node01 would spread better).
  await createPod('second', 'data1');
  const second = await until('second pod bound', async () => {
    const p = await getPod('second');
    return p.spec?.nodeName ? p : undefined;
  }, 15_000, 50);
  assert.equal(second.spec?.nodeName, 'node02');
});

test('a pod whose claim does not exist stays Pending until the claim is created', async () => {
  await createPod('early', 'later');
  const pending = await until('PodScheduled=False', async () => (await getPod('early')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'), 15_000, 50);
  assert.equal(pending.reason, 'Unschedulable');
  assert.equal(pending.message, '0/2 nodes are available: persistentvolumeclaim "later" not found.');
  await createClaim('later');
  const placed = await until('pod bound', async () => {
    const p = await getPod('early');
    return p.spec?.nodeName ? p : undefined;
  }, 15_000, 50);
  const pvc = await client.get<PersistentVolumeClaim>(`${NS}/persistentvolumeclaims/later`);
  assert.equal(pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node'], placed.spec?.nodeName);
  assert.equal(pvc.status?.phase, 'Bound');
});

test('a pod whose claims do not bind within the bind timeout gets FailedScheduling from PreBind', { timeout: 60_000 }, async () => {
  await client.create('/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nobody' }, provisioner: 'example.com/nobody', volumeBindingMode: 'WaitForFirstConsumer' });
  await client.create(`${NS}/persistentvolumeclaims`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'stuck' }, spec: { storageClassName: 'nobody', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } });
  const t0 = Date.now();
  await createPod('waits', 'stuck');
  const cond = await until('PodScheduled=False from PreBind', async () => (await getPod('waits')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'SchedulerError'), 40_000, 200);
  assert.ok(Date.now() - t0 >= BIND_TIMEOUT_MS, 'waited out the bind timeout');
  assert.equal(cond.message, BIND_TIMEOUT_MESSAGE);
  const events = await client.get<{ items: { reason?: string; type?: string; message?: string }[] }>(`${NS}/events?fieldSelector=involvedObject.name=waits,reason=FailedScheduling`);
  assert.ok(events.items.some((e) => e.type === 'Warning' && e.message === BIND_TIMEOUT_MESSAGE), JSON.stringify(events.items));
  assert.equal((await getPod('waits')).spec?.nodeName, undefined, 'the pod stays unbound');
  const pvc = await client.get<PersistentVolumeClaim>(`${NS}/persistentvolumeclaims/stuck`);
  assert.ok(pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'the claim was given a node to provision on');
});
