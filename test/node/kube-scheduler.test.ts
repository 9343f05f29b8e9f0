// The kube-scheduler command as `up` supervises it, against the in-process API server with RBAC:
// it acts as system:kube-scheduler with only upstream's two bootstrap roles, takes the
// kube-system/kube-scheduler Lease, binds a pod that fits and reports one that does not
// (PodScheduled=False and FailedScheduling), and on SIGTERM releases its Lease and writes its CPU
// profile when KUBEVIRT_TS_COMPONENT_CPU_PROF is set. Needs no root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../src/client/kube-client.js';
import { createOrReplace } from '../../src/cluster/apply.js';
import { kubeSchedulerProcess, schedulerIdentity } from '../../src/cluster/component-processes.js';
import { schedulerRbac } from '../../src/cluster/scheduler/rbac.js';
import type { SupervisedProcess } from '../../src/cluster/supervised-process.js';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { until } from '../fixtures/wait.js';

const root = new URL('../..', import.meta.url).pathname;
const NS = '/api/v1/namespaces/default';
let ts: TestServer;
let admin: KubeClient;
let scheduler: SupervisedProcess | undefined;
let log = '';

interface PodLike {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}
interface LeaseLike {
  spec?: { holderIdentity?: string };
}
const pod = (name: string, nodeSelector?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
});
const lease = () => admin.get<LeaseLike>('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler').catch(() => undefined);

before(async () => {
  ts = await startTestServer();
  admin = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  for (const obj of schedulerRbac()) await createOrReplace(admin, obj);
  await admin.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node01', labels: { 'kubernetes.io/hostname': 'node01' } } });
  await admin.patch('/api/v1/nodes/node01/status', { status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, capacity: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] } });
});

after(async () => {
  await scheduler?.stop();
  admin?.close();
  await ts?.close();
});

test('kube-scheduler binds as system:kube-scheduler behind its Lease, then releases it and writes its profile on SIGTERM', { timeout: 120_000 }, async () => {
  const profDir = join(ts.dataDir, 'prof');
  process.env.KUBEVIRT_TS_COMPONENT_CPU_PROF = profDir;
  try {
    scheduler = await kubeSchedulerProcess({ pki: ts.server.pki, server: ts.server.url, dataDir: ts.dataDir, repoDir: root, log: (l) => (log += `${l}\n`) }, { bindTimeoutSeconds: 5 });
    await scheduler.start(90_000);
  } finally {
    delete process.env.KUBEVIRT_TS_COMPONENT_CPU_PROF;
  }
  const pid = scheduler.pid;
  assert.equal((await lease())?.spec?.holderIdentity, schedulerIdentity());

  await admin.create(`${NS}/pods`, pod('fits'));
  await until('pod bound', async () => ((await admin.get<PodLike>(`${NS}/pods/fits`)).spec?.nodeName === 'node01' ? true : undefined), 30_000, 100);
  await admin.create(`${NS}/pods`, pod('nowhere', { 'example.com/none': 'x' }));
  const cond = await until('pod reported unschedulable', async () => {
    const c = (await admin.get<PodLike>(`${NS}/pods/nowhere`)).status?.conditions?.find((x) => x.type === 'PodScheduled');
    return c?.status === 'False' ? c : undefined;
  }, 30_000, 100);
  assert.equal(cond.reason, 'Unschedulable');
  const reasons = await until('both events', async () => {
    const items = (await admin.get<{ items: { reason?: string; source?: { component?: string } }[] }>(`${NS}/events`)).items;
    const r = items.filter((e) => e.source?.component === 'default-scheduler').map((e) => e.reason ?? '').sort();
    return r.length >= 2 ? r : undefined;
  }, 30_000, 100);
  assert.deepEqual(reasons, ['FailedScheduling', 'Scheduled']);

  await scheduler.stop();
  scheduler = undefined;
  assert.equal((await lease())?.spec?.holderIdentity, '', 'the Lease is released for the next process');
  assert.deepEqual(readdirSync(profDir), [`kube-scheduler.${String(pid)}.cpuprofile`]);
  assert.doesNotMatch(log, /forbidden|error:/i, log);
});
