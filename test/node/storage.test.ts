// The local volume controller against the in-process API server: the default class,
// WaitForFirstConsumer provisioning on the selected node, static PV binding by class, size,
// modes and selector, reclaim Delete removing the directory, and volumeMode Block.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../src/client/kube-client.js';
import { LocalVolumeController, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../../src/cluster/storage/index.js';
import { startTestServer, type TestServer } from '../apiserver/harness.js';
import { until } from '../fixtures/wait.js';

let ts: TestServer;
let client: KubeClient;
let ctrl: LocalVolumeController;
const NS = '/api/v1/namespaces/default';

before(async () => {
  ts = await startTestServer();
  client = await KubeClient.fromKubeconfig(ts.server.kubeconfigPath);
  ctrl = new LocalVolumeController(client, { dataDir: ts.dataDir });
  await ctrl.start();
});

after(async () => {
  await ctrl?.stop();
  client?.close();
  await ts?.close();
});

const claim = (name: string, spec: Record<string, unknown>): Promise<PersistentVolumeClaim> =>
  client.create<PersistentVolumeClaim>(`${NS}/persistentvolumeclaims`, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  });
const getClaim = (name: string): Promise<PersistentVolumeClaim> => client.get(`${NS}/persistentvolumeclaims/${name}`);
const bound = (name: string): Promise<PersistentVolumeClaim> =>
  until(`claim ${name} Bound`, async () => {
    const c = await getClaim(name);
    return c.status?.phase === 'Bound' ? c : undefined;
  }, 10_000, 50);
const eventsFor = async (name: string): Promise<{ reason: string; message: string }[]> =>
  (await client.get<{ items: { reason: string; message: string; involvedObject: { name: string } }[] }>(`${NS}/events`)).items.filter((e) => e.involvedObject.name === name);
const gone = (path: string): Promise<true> =>
  until(`${path} deleted`, async () => client.get(path).then(() => undefined, () => true as const), 10_000, 50);

test('the default StorageClass local is WaitForFirstConsumer with the local provisioner', async () => {
  const sc = await client.get<StorageClass>('/apis/storage.k8s.io/v1/storageclasses/local');
  assert.equal(sc.provisioner, 'kubevirt-ts.io/local');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
});

test('a default-class claim waits for its consumer, is provisioned on the selected node, and reclaimed', async () => {
  await claim('wffc', {});
  await until('WaitForFirstConsumer event', async () => ((await eventsFor('wffc')).some((e) => e.reason === 'WaitForFirstConsumer') ? true : undefined), 10_000, 50);
  assert.equal((await getClaim('wffc')).status?.phase ?? 'Pending', 'Pending');
  await client.patch(`${NS}/persistentvolumeclaims/wffc`, { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node02' } } });
  const c = await bound('wffc');
  const pvName = c.spec?.volumeName ?? '';
  assert.equal(pvName, `pvc-${c.metadata?.uid}`);
  assert.deepEqual(c.status?.capacity, { storage: '1Gi' });
  assert.deepEqual(c.status?.accessModes, ['ReadWriteOnce']);
  const pv = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${pvName}`);
  assert.equal(pv.status?.phase, 'Bound');
  assert.equal(pv.spec?.claimRef?.uid, c.metadata?.uid);
  assert.equal(pv.spec?.storageClassName, 'local');
  assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, ['node02']);
  const dir = pv.spec?.hostPath?.path ?? '';
  assert.equal(dir, join(ts.dataDir, 'volumes', pvName));
  assert.ok(existsSync(dir));
  assert.ok((await eventsFor('wffc')).some((e) => e.reason === 'ProvisioningSucceeded'));

  await client.delete(`${NS}/persistentvolumeclaims/wffc`);
  await gone(`/api/v1/persistentvolumes/${pvName}`);
  assert.equal(existsSync(dir), false, 'reclaim Delete removed the directory');
});

test('static PVs bind by class, size, access modes and selector, smallest first', async () => {
  const staticPv = (name: string, size: string, labels: Record<string, string>, modes = ['ReadWriteOnce']) =>
    client.create('/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, labels },
      spec: { capacity: { storage: size }, accessModes: modes, storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` } },
    });
  await staticPv('st-small', '1Gi', { tier: 'fast' });
  await staticPv('st-mid', '3Gi', { tier: 'fast' });
  await staticPv('st-big', '10Gi', { tier: 'fast' });
  await staticPv('st-slow', '3Gi', { tier: 'slow' });
  await staticPv('st-rwx', '3Gi', { tier: 'fast' }, ['ReadWriteMany']);
  await until('static PVs Available', async () => {
    const pv = await client.get<PersistentVolume>('/api/v1/persistentvolumes/st-big');
    return pv.status?.phase === 'Available' ? true : undefined;
  }, 10_000, 50);
  await claim('static', { storageClassName: 'manual', resources: { requests: { storage: '2Gi' } }, selector: { matchLabels: { tier: 'fast' } } });
  assert.equal((await bound('static')).spec?.volumeName, 'st-mid');
  await claim('static-rwx', { storageClassName: 'manual', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } });
  assert.equal((await bound('static-rwx')).spec?.volumeName, 'st-rwx');
  await claim('too-big', { storageClassName: 'manual', resources: { requests: { storage: '50Gi' } } });
  await until('FailedBinding event', async () => ((await eventsFor('too-big')).some((e) => e.reason === 'FailedBinding') ? true : undefined), 10_000, 50);
  assert.equal((await getClaim('too-big')).status?.phase ?? 'Pending', 'Pending');

  await client.delete(`${NS}/persistentvolumeclaims/static`);
  await until('st-mid Released', async () => ((await client.get<PersistentVolume>('/api/v1/persistentvolumes/st-mid')).status?.phase === 'Released' ? true : undefined), 10_000, 50);
});

test('an Immediate local class provisions at once on a cluster node', async () => {
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node01', labels: { 'kubernetes.io/hostname': 'node01' } } });
  await client.create('/apis/storage.k8s.io/v1/storageclasses', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-now' },
    provisioner: 'kubevirt-ts.io/local',
    volumeBindingMode: 'Immediate',
    reclaimPolicy: 'Retain',
  });
  const c = await bound((await claim('now', { storageClassName: 'local-now' })).metadata!.name!);
  const pv = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${c.spec?.volumeName}`);
  assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, ['node01']);
  assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Retain');
  await client.delete(`${NS}/persistentvolumeclaims/now`);
  await until('Retain volume Released', async () => ((await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${c.spec?.volumeName}`)).status?.phase === 'Released' ? true : undefined), 10_000, 50);
  assert.ok(existsSync(pv.spec?.hostPath?.path ?? ''), 'Retain keeps the directory');
});

function loopDevicesWork(): boolean {
  try {
    execFileSync('/usr/sbin/losetup', ['--find'], { stdio: 'pipe' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

test('volumeMode Block gets a loop device where the host allows it, else a clear ProvisioningFailed', async () => {
  await claim('block', { volumeMode: 'Block', storageClassName: 'local', resources: { requests: { storage: '16Mi' } } });
  await client.patch(`${NS}/persistentvolumeclaims/block`, { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node01' } } });
  if (!loopDevicesWork()) {
    await until('ProvisioningFailed', async () => ((await eventsFor('block')).some((e) => e.reason === 'ProvisioningFailed' && /loop device/.test(e.message)) ? true : undefined), 10_000, 50);
    return;
  }
  const c = await bound('block');
  const pv = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${c.spec?.volumeName}`);
  const dev = pv.spec?.hostPath?.path ?? '';
  assert.match(dev, /^\/dev\/loop\d+$/);
  assert.equal(pv.spec?.volumeMode, 'Block');
  assert.match(execFileSync('/usr/sbin/losetup', ['--list', '--noheadings', '-O', 'NAME,BACK-FILE', dev], { encoding: 'utf8' }), new RegExp(`${c.spec?.volumeName}\\.img`));
  await client.delete(`${NS}/persistentvolumeclaims/block`);
  await gone(`/api/v1/persistentvolumes/${c.spec?.volumeName}`);
  const still = execFileSync('/usr/sbin/losetup', ['--list', '--noheadings', '-O', 'BACK-FILE'], { encoding: 'utf8' });
  assert.equal(still.includes(`${c.spec?.volumeName}.img`), false, 'loop device detached');
});
