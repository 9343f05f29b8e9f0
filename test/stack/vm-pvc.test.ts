/**
 * A VirtualMachine booting from a PVC holding disk.img under `kubevirt-ts up`, with real kubectl.
 * No DataVolume: the test fills the claim itself with a pod (the claim's first consumer, so the
 * scheduler names its node on the WaitForFirstConsumer claim and the local provisioner makes the
 * volume there) that runs `qemu-img convert -O raw` from the test guest into /…/disk.img. Then a
 * VM using the claim boots: Running, Ready, the guest's HTTP server at the pod IP naming the VMI
 * (NoCloud meta-data). Deleting the VM keeps the claim and its disk; deleting the claim reclaims it.
 * Needs root and a build (`npm run build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../guest/build.js';
import { consoleLog, eventually, httpGet, qemuRunning, stackSkip, UpCluster, vmGone, vmManifest, withCluster } from './harness.js';

let up: UpCluster | undefined;
let source = '';

before(async () => {
  if (stackSkip) return;
  const guest = await buildGuest();
  up = await UpCluster.start();
  // Pods see the host's filesystem except their private /tmp, /run, ...: put the source in the data dir.
  source = join(up.dataDir, 'guest.qcow2');
  copyFileSync(guest.disk, source);
});

after(async () => {
  const code = await up?.stop();
  if (up) assert.equal(code, 0, up.log.slice(-2000));
  assert.equal(qemuRunning('default_pvcvm'), false, 'no QEMU left after up stopped');
});

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: guest-disk}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 128Mi}}
`;

const writer = (src: string): string => `apiVersion: v1
kind: Pod
metadata: {name: disk-writer}
spec:
  restartPolicy: Never
  containers:
  - name: convert
    image: kubevirt-ts/host:latest
    command: [qemu-img, convert, -O, raw, "${src}", /tmp/pvc/disk.img]
    volumeMounts: [{name: disk, mountPath: /tmp/pvc}]
  volumes: [{name: disk, persistentVolumeClaim: {claimName: guest-disk}}]
`;

const VM = vmManifest('pvcvm', '{persistentVolumeClaim: {claimName: guest-disk}}', '#!/bin/sh\ntrue\n');

test('a VM boots from a PVC holding disk.img written by a pod', { skip: stackSkip, timeout: 900_000 }, () =>
  withCluster(up, async (c) => {
    assert.equal((await c.kubectlAsync(['apply', '-f', '-'], CLAIM)).code, 0);
    assert.equal((await c.kubectlAsync(['apply', '-f', '-'], writer(source))).code, 0);
    await eventually('disk-writer Succeeded', async () => {
      const phase = await c.jsonpathAsync('pod', 'disk-writer', '.status.phase');
      if (phase === 'Failed') throw new Error(`disk-writer failed: ${(await c.kubectlAsync(['get', 'pod', 'disk-writer', '-o', 'yaml'])).out}`);
      return phase === 'Succeeded';
    }, 180_000);
    const node = await c.jsonpathAsync('pod', 'disk-writer', '.spec.nodeName');
    assert.equal(await c.jsonpathAsync('pvc', 'guest-disk', '.metadata.annotations.volume\\.kubernetes\\.io/selected-node'), node);
    assert.equal(await c.jsonpathAsync('pvc', 'guest-disk', '.status.phase'), 'Bound');
    const pv = await c.jsonpathAsync('pvc', 'guest-disk', '.spec.volumeName');
    const dir = await c.jsonpathAsync('pv', pv, '.spec.hostPath.path');
    assert.ok(existsSync(join(dir, 'disk.img')), `disk.img in ${dir}`);
    assert.equal((await c.kubectlAsync(['delete', 'pod', 'disk-writer', '--wait', '--timeout=60s'])).code, 0);

    assert.equal((await c.kubectlAsync(['apply', '-f', '-'], VM)).code, 0);
    await eventually('VM Running', async () => (await c.jsonpathAsync('vm', 'pvcvm', '.status.printableStatus')) === 'Running', 240_000);
    await eventually('VMI Ready', async () => (await c.jsonpathAsync('vmi', 'pvcvm', '.status.conditions[?(@.type=="Ready")].status')) === 'True', 60_000);
    assert.equal(await c.jsonpathAsync('vmi', 'pvcvm', '.status.nodeName'), node, 'the VMI runs where its local volume is');
    const podIP = await c.jsonpathAsync('vmi', 'pvcvm', '.status.interfaces[0].ipAddress');
    assert.match(podIP, /^10\.2\d\d\.\d+\.\d+$/);
    await eventually('the hostname from the NoCloud meta-data on the console', async () => (await consoleLog(c, 'pvcvm')).includes('cloud-init: hostname pvcvm'), 240_000);
    // The guest's HTTP server, reached from the host at the pod IP, names the same host.
    await eventually(`the guest's HTTP server at ${podIP}`, async () => (await httpGet(`http://${podIP}/hostname`))?.trim() === 'pvcvm', 120_000);
    assert.ok(qemuRunning('default_pvcvm'));

    assert.equal((await c.kubectlAsync(['delete', 'vm', 'pvcvm', '--wait', '--timeout=180s'])).code, 0);
    await eventually('VMI and pod gone', () => vmGone(c, 'pvcvm'), 120_000);
    await eventually('QEMU gone', () => Promise.resolve(!qemuRunning('default_pvcvm')), 30_000);
    assert.equal(await c.jsonpathAsync('pvc', 'guest-disk', '.status.phase'), 'Bound', 'the claim outlives the VM');
    assert.ok(existsSync(join(dir, 'disk.img')));

    assert.equal((await c.kubectlAsync(['delete', 'pvc', 'guest-disk', '--wait', '--timeout=60s'])).code, 0);
    await eventually('volume reclaimed', () => Promise.resolve(!existsSync(dir)), 60_000);
  }),
);
