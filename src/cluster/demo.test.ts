import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../api/meta/index.js';
import { kubevirtCrds } from '../api/crds/index.js';
import { KubeClient } from '../client/kube-client.js';
import { writeOciLayout } from '../guest-image/oci.js';
import { startApiServer } from './apiserver/server.js';
import { defaultModules } from './apiserver/wiring.js';
import { createOrReplace } from './apply.js';
import { applyFile, DEMO_IMAGE, DEMO_MANIFEST, demoHints, loadDemoImage, nodeImagesDir, runningOn, serialLogPath } from './demo.js';
import { extractSingleDisk } from './images/disk.js';
import { ImageStore } from './images/store.js';
import { repoDir } from './up.js';

async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kv-demo-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface DemoVm {
  spec: { runStrategy: string; template: { spec: { hostname: string; domain: { devices: { disks: { name: string; disk?: { bus: string } }[] } }; volumes: { name: string; containerDisk?: { image: string; imagePullPolicy: string }; cloudInitNoCloud?: { userData: string } }[] } } };
}

test('the demo manifest runs the side-loaded image with virtio disks and NoCloud user data', async () => {
  const vm = parse(await readFile(join(repoDir(), DEMO_MANIFEST), 'utf8')) as KubeObject & DemoVm;
  assert.equal(vm.kind, 'VirtualMachine');
  assert.equal(vm.metadata?.name, 'demo');
  assert.equal(vm.spec.runStrategy, 'Always');
  const spec = vm.spec.template.spec;
  assert.equal(spec.hostname, 'demo');
  assert.deepEqual(spec.volumes.find((v) => v.containerDisk)?.containerDisk, { image: DEMO_IMAGE, imagePullPolicy: 'IfNotPresent' });
  assert.match(spec.volumes.find((v) => v.cloudInitNoCloud)?.cloudInitNoCloud?.userData ?? '', /^#!\/bin\/sh\n.*hello from cloud-init user-data/);
  assert.deepEqual(new Set(spec.domain.devices.disks.map((d) => d.disk?.bus)), new Set(['virtio']));
});

test('the demo image is side-loaded where the nodes look, under the manifest\'s reference', async (t) => {
  const dir = await scratch(t);
  await writeFile(join(dir, 'disk.qcow2'), 'not really qcow2');
  const img = await loadDemoImage(join(dir, 'data'), () => undefined, async () => (await writeOciLayout(join(dir, 'oci'), join(dir, 'disk.qcow2'), 'disk.qcow2')).dir);
  assert.equal(img.name, DEMO_IMAGE);
  const pulled = await new ImageStore({ dir: nodeImagesDir(join(dir, 'data')) }).pull(DEMO_IMAGE, { policy: 'IfNotPresent' });
  assert.equal(pulled.digest, img.digest);
  assert.equal(await extractSingleDisk(pulled.rootfs), join(pulled.rootfs, 'disk', 'disk.qcow2'));
});

test('applyFile creates the demo VM as the kubeconfig user, and replaces it on the next up', async (t) => {
  const dir = await scratch(t);
  const api = await startApiServer({ dataDir: join(dir, 'api'), port: 0, modules: defaultModules() });
  t.after(() => api.stop());
  const admin = await KubeClient.fromKubeconfig(api.kubeconfigPath);
  t.after(() => admin.close());
  for (const crd of kubevirtCrds()) await createOrReplace(admin, crd as unknown as KubeObject);
  const path = '/apis/kubevirt.io/v1/namespaces/default/virtualmachines/demo';
  const deadline = Date.now() + 30_000;
  while (!(await admin.get('/apis/kubevirt.io/v1').then(() => true, () => false))) {
    assert.ok(Date.now() < deadline, 'kubevirt.io/v1 served');
    await new Promise((r) => setTimeout(r, 100));
  }
  const file = join(repoDir(), DEMO_MANIFEST);
  assert.deepEqual((await applyFile(api.kubeconfigPath, file)).map((o) => o.kind), ['VirtualMachine']);
  const first = await admin.get<KubeObject & DemoVm>(path);
  assert.equal(first.spec.runStrategy, 'Always');
  await admin.replace(path, { ...first, spec: { ...first.spec, runStrategy: 'Halted' } });
  await applyFile(api.kubeconfigPath, file);
  const second = await admin.get<KubeObject & DemoVm>(path);
  assert.equal(second.spec.runStrategy, 'Always');
  assert.equal(second.metadata?.uid, first.metadata?.uid, 'replaced, not recreated');
});

test('runningOn finds the node and launcher pod of a Running VMI only', () => {
  const pod = (uid: string, node: string, phase = 'Running') => ({ metadata: { uid }, spec: { nodeName: node }, status: { phase } });
  const table = [
    { status: { phase: 'Running', nodeName: 'node01', activePods: { 'uid-1': 'node01' } }, pods: [], want: { node: 'node01', podUid: 'uid-1' } },
    { status: { phase: 'Running', nodeName: 'node02', activePods: { 'old': 'node01', 'uid-2': 'node02' } }, pods: [], want: { node: 'node02', podUid: 'uid-2' } },
    { status: { phase: 'Running', nodeName: 'node01' }, pods: [pod('gone', 'node01', 'Failed'), pod('uid-3', 'node01')], want: { node: 'node01', podUid: 'uid-3' } },
    { status: { phase: 'Running', nodeName: 'node01' }, pods: [pod('elsewhere', 'node02')], want: undefined },
    { status: { phase: 'Scheduled', nodeName: 'node01', activePods: { 'uid-1': 'node01' } }, pods: [pod('uid-1', 'node01')], want: undefined },
    { status: undefined, pods: [], want: undefined },
  ];
  for (const c of table) assert.deepEqual(runningOn({ status: c.status } as Parameters<typeof runningOn>[0], c.pods), c.want, JSON.stringify(c.status));
});

test('the hints name the kubeconfig, kubectl, virtctl console and the serial log', () => {
  const hints = demoHints('/d/kubeconfig', '/d').join('\n');
  for (const want of ['export KUBECONFIG=/d/kubeconfig', 'kubectl get vm,vmi', 'node bin/virtctl.js console demo', 'kubectl virt console demo', '/d/nodes/<node>/pods/<launcher pod uid>/volumes/private/virt-serial0-log']) {
    assert.ok(hints.includes(want), want);
  }
  assert.equal(serialLogPath('/d', 'node01', 'u'), '/d/nodes/node01/pods/u/volumes/private/virt-serial0-log');
});
