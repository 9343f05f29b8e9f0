/**
 * VirtualMachines from containerDisks under `kubevirt-ts up`, with real kubectl: the test pushes
 * the test guest's containerDisk to Debian's docker-registry on loopback; a VM (runStrategy
 * Always, cloud-init NoCloud user data naming the host) boots from it: VMI Running and Ready,
 * the pod IP reported, the guest's HTTP server answering at the pod IP with the cloud-init
 * hostname; Halted stops it (VMI, pod and QEMU gone), Always starts it again; deleting the VM
 * removes everything. A VM whose image does not exist shows ErrImagePull, then ImagePullBackOff.
 * Needs root, docker-registry and a build (`npm run build`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { buildGuest } from '../guest/build.js';
import { pushOciLayout } from '../fixtures/oci-push.js';
import { startRegistry, type RegistryFixture } from '../fixtures/registry.js';
import { consoleLog, eventually, httpGet, qemuRunning, stackSkip, UpCluster, vmGone, vmManifest, withCluster } from './harness.js';

const skip = stackSkip ?? (existsSync('/usr/bin/docker-registry') ? undefined : 'needs docker-registry');
let reg: RegistryFixture | undefined;
let up: UpCluster | undefined;
let image = '';

before(async () => {
  if (skip) return;
  const guest = await buildGuest();
  reg = await startRegistry();
  image = (await pushOciLayout(guest.oci.dir, { registry: reg.url, repository: 'kubevirt-ts/guest', tag: 'v1' })).reference;
  up = await UpCluster.start();
});

after(async () => {
  const code = await up?.stop();
  await reg?.stop();
  if (up) assert.equal(code, 0, up.log.slice(-2000));
  assert.equal(qemuRunning('default_cd'), false, 'no QEMU left after up stopped');
});

const vm = (name: string, ref: string): string => vmManifest(name, `{containerDisk: {image: "${ref}"}}`, '#!/bin/sh\nhostname from-user-data\n');

/** Waits for the VM's VMI to run and its guest to serve HTTP at the pod IP; returns that IP. */
async function bootedAt(c: UpCluster, name: string): Promise<string> {
  await eventually(`VM ${name} Running`, async () => (await c.jsonpathAsync('vm', name, '.status.printableStatus')) === 'Running', 240_000);
  await eventually(`VMI ${name} Ready`, async () => (await c.jsonpathAsync('vmi', name, '.status.conditions[?(@.type=="Ready")].status')) === 'True', 60_000);
  const podIP = (await c.kubectlAsync(['get', 'pods', '-l', `vm.kubevirt.io/name=${name}`, '-o', 'jsonpath={.items[0].status.podIP}'])).out;
  assert.match(podIP, /^10\.2\d\d\.\d+\.\d+$/);
  assert.equal(await c.jsonpathAsync('vmi', name, '.status.interfaces[0].ipAddress'), podIP);
  await eventually('the hostname from cloud-init on the console', async () => (await consoleLog(c, name)).includes('hostname: from-user-data'), 240_000);
  // The guest's HTTP server, reached from the host at the pod IP, names the same host.
  await eventually(`the guest's HTTP server at ${podIP}`, async () => (await httpGet(`http://${podIP}/hostname`))?.trim() === 'from-user-data', 120_000);
  return podIP;
}

test('a VM boots from a containerDisk in a loopback registry, stops, starts and is deleted', { skip, timeout: 900_000 }, () =>
  withCluster(up, async (c) => {
    assert.equal((await c.kubectlAsync(['apply', '-f', '-'], vm('cd', image))).code, 0);
    await bootedAt(c, 'cd');
    assert.ok(qemuRunning('default_cd'));
    const firstUid = await c.jsonpathAsync('vmi', 'cd', '.metadata.uid');

    assert.equal((await c.kubectlAsync(['patch', 'vm', 'cd', '--type', 'merge', '-p', '{"spec":{"runStrategy":"Halted"}}'])).code, 0);
    await eventually('VM Stopped', async () => (await c.jsonpathAsync('vm', 'cd', '.status.printableStatus')) === 'Stopped', 120_000);
    await eventually('VMI and pod gone', () => vmGone(c, 'cd'), 120_000);
    await eventually('QEMU gone', () => Promise.resolve(!qemuRunning('default_cd')), 30_000);

    assert.equal((await c.kubectlAsync(['patch', 'vm', 'cd', '--type', 'merge', '-p', '{"spec":{"runStrategy":"Always"}}'])).code, 0);
    await bootedAt(c, 'cd');
    assert.notEqual(await c.jsonpathAsync('vmi', 'cd', '.metadata.uid'), firstUid, 'a new VMI');

    assert.equal((await c.kubectlAsync(['delete', 'vm', 'cd', '--wait', '--timeout=180s'])).code, 0);
    await eventually('VMI and pod gone', () => vmGone(c, 'cd'), 120_000);
    await eventually('QEMU gone', () => Promise.resolve(!qemuRunning('default_cd')), 30_000);
  }));

test('a VM whose containerDisk cannot be pulled shows ErrImagePull, then ImagePullBackOff', { skip, timeout: 300_000 }, () =>
  withCluster(up, async (c) => {
    const missing = image.replace('kubevirt-ts/guest:v1', 'kubevirt-ts/no-such-image:v1');
    assert.equal((await c.kubectlAsync(['apply', '-f', '-'], vm('badimg', missing))).code, 0);
    const seen = new Set<string>();
    await eventually('ErrImagePull then ImagePullBackOff', async () => {
      seen.add(await c.jsonpathAsync('vm', 'badimg', '.status.printableStatus'));
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
    }, 120_000);
    const waiting = await c.kubectlAsync(['get', 'pods', '-l', 'vm.kubevirt.io/name=badimg', '-o', 'jsonpath={.items[0].status.containerStatuses[0].state.waiting.message}']);
    assert.match(waiting.out, /no-such-image/);
    assert.match(await c.jsonpathAsync('vmi', 'badimg', '.status.phase'), /^(Pending|Scheduling)$/, 'the VMI never ran');
    assert.equal((await c.kubectlAsync(['delete', 'vm', 'badimg', '--wait', '--timeout=120s'])).code, 0);
    await eventually('VMI and pod gone', () => vmGone(c, 'badimg'), 120_000);
  }));
