// Component test: the VMI replica set controller against the in-process API server (real HTTP and watch).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kubevirtCrds } from '../../src/api/crds/definitions.js';
import { KubeClient } from '../../src/client/kube-client.js';
import { EventRecorder } from '../../src/client/events.js';
import { InformerFactory, type ControllerDeps } from '../../src/virt-controller/common.js';
import { ReplicaSetController } from '../../src/virt-controller/replicaset/controller.js';
import type { VirtualMachineInstance, VirtualMachineInstanceReplicaSet } from '../../src/api/kubevirt/index.js';
import { startTestServer, waitFor, type TestServer } from '../apiserver/harness.js';

const RS = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstancereplicasets';
const VMIS = '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances';

let ts: TestServer;
let client: KubeClient;
let informers: InformerFactory;
let ctl: ReplicaSetController;

before(async () => {
  ts = await startTestServer();
  client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  for (const crd of kubevirtCrds()) await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  await waitFor('CRDs served', () => client.get(RS).then(() => true), 15_000);
  informers = new InformerFactory(client);
  const deps: ControllerDeps = { client, recorder: new EventRecorder(client, 'virt-controller'), informers, now: () => new Date(), log: { info: () => undefined, error: () => undefined } };
  ctl = new ReplicaSetController(deps);
  await informers.start();
  ctl.run();
});

after(async () => {
  ctl.stop();
  await informers.stop();
  client.close();
  await ts.close();
});

const owned = async (uid: string): Promise<VirtualMachineInstance[]> =>
  (await client.get<{ items: VirtualMachineInstance[] }>(VMIS)).items.filter((v) => v.metadata?.ownerReferences?.some((r) => r.uid === uid) && !v.metadata?.deletionTimestamp);
const getRS = (name: string) => client.get<VirtualMachineInstanceReplicaSet>(`${RS}/${name}`);

function rsManifest(name: string, replicas: number): VirtualMachineInstanceReplicaSet {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { domain: { devices: {}, memory: { guest: '64Mi' } } } } },
  };
}

test('replica set creates replicas, reports status with the scale subresource fields, scales down and up', { timeout: 60_000 }, async () => {
  const rs = await client.create<VirtualMachineInstanceReplicaSet>(RS, rsManifest('web', 3));
  const uid = rs.metadata?.uid ?? '';
  await waitFor('3 VMIs', async () => (await owned(uid)).length === 3, 15_000);
  const vmis = await owned(uid);
  assert.ok(vmis.every((v) => v.metadata?.generateName === 'web' && v.metadata.labels?.app === 'web'));
  const st = await waitFor('status', async () => ((await getRS('web')).status?.replicas === 3 ? (await getRS('web')).status : undefined), 15_000);
  assert.equal(st?.labelSelector, 'app=web');
  assert.equal(st?.readyReplicas, 0);

  // The scale subresource reads spec.replicas, status.replicas and status.labelSelector (the CRD's paths).
  await client.patch(`${RS}/web`, { spec: { replicas: 1 } });
  await waitFor('1 VMI', async () => (await owned(uid)).length === 1, 15_000);
  await waitFor('status 1', async () => (await getRS('web')).status?.replicas === 1, 15_000);
  await client.patch(`${RS}/web`, { spec: { replicas: 2 } });
  await waitFor('2 VMIs', async () => (await owned(uid)).length === 2, 15_000);
});

test('a paused set neither creates nor deletes and says so; a finished VMI is replaced; orphans are adopted', { timeout: 60_000 }, async () => {
  const rs = await client.create<VirtualMachineInstanceReplicaSet>(RS, { ...rsManifest('db', 1), spec: { ...rsManifest('db', 1).spec, paused: true } });
  const uid = rs.metadata?.uid ?? '';
  const paused = await waitFor('ReplicaPaused', async () => (await getRS('db')).status?.conditions?.find((c) => c.type === 'ReplicaPaused'), 15_000);
  assert.equal(paused.reason, 'Paused');
  assert.equal((await owned(uid)).length, 0);

  // An orphan with matching labels is adopted even while paused.
  await client.create(VMIS, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'db-orphan', labels: { app: 'db' } }, spec: { domain: { devices: {}, memory: { guest: '64Mi' } } } });
  await waitFor('orphan adopted', async () => (await owned(uid)).some((v) => v.metadata?.name === 'db-orphan'), 15_000);

  await client.patch(`${RS}/db`, { spec: { paused: false } });
  await waitFor('ReplicaPaused removed', async () => ((await getRS('db')).status?.conditions ?? []).every((c) => c.type !== 'ReplicaPaused'), 15_000);
  assert.equal((await owned(uid)).length, 1);

  // The adopted VMI fails: the set deletes it and starts a replacement.
  const orphan = await client.get<VirtualMachineInstance>(`${VMIS}/db-orphan`);
  await client.replace(`${VMIS}/db-orphan`, { ...orphan, status: { phase: 'Failed' } });
  await waitFor('replacement', async () => {
    const list = await owned(uid);
    return list.length === 1 && list[0]?.metadata?.name !== 'db-orphan' ? true : undefined;
  }, 15_000);
  await waitFor('failed VMI deleted', () => client.get(`${VMIS}/db-orphan`).then(() => false, () => true), 15_000);
});
