/**
 * The whole stack under `kubevirt-ts up`, driven by real kubectl: a bad VMI is refused by
 * virt-api's webhook with field paths; a VMI gets a launcher pod on node01, its domain starts
 * under a private libvirtd (emulation), the VMI goes Running and Ready with the pod IP; deleting it
 * removes VMI, pod and QEMU; the pod was bound by `up`'s kube-scheduler process, which acts as
 * `system:kube-scheduler` and may not create VMIs; `up` stops on SIGTERM leaving no QEMU, netns or
 * nft table behind.
 * Needs root and a build (`npm run build`: the node agent runs dist/cmd/virt-launcher.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { until } from '../fixtures/wait.js';
import { stackSkip as missing, UpCluster } from './harness.js';

const VMI = `apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {name: tiny}
spec:
  domain:
    devices:
      disks: [{name: scratch, disk: {bus: virtio}}]
    resources: {requests: {memory: 64Mi}}
  terminationGracePeriodSeconds: 5
  volumes: [{name: scratch, emptyDisk: {capacity: 16Mi}}]
`;
const BAD = VMI.replace('name: tiny', 'name: bad').replace('bus: virtio', 'bus: ide');

const qemus = (): string => spawnSync('pgrep', ['-f', 'guest=default_tiny'], { encoding: 'utf8' }).stdout.trim();

test('kubevirt-ts up runs a VMI end to end', { skip: missing, timeout: 300_000 }, async () => {
  const up = await UpCluster.start({ readyTimeoutMs: 120_000 });
  const { kubectl, jsonpath } = up;
  let podUid = '';
  try {
    const refused = kubectl(['apply', '-f', '-'], BAD);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /spec\.domain\.devices\.disks\[0\]\.disk\.bus: IDE bus is not supported/);

    assert.equal(kubectl(['apply', '-f', '-'], VMI).code, 0);
    await until('VMI Running', () => (jsonpath('vmi', 'tiny', '.status.phase') === 'Running' ? true : undefined), 120_000, 500);
    await until('VMI Ready', () => (jsonpath('vmi', 'tiny', '.status.conditions[?(@.type=="Ready")].status') === 'True' ? true : undefined), 30_000, 500);
    assert.equal(jsonpath('vmi', 'tiny', '.status.nodeName'), 'node01');
    const podIP = kubectl(['get', 'pods', '-l', 'kubevirt.io=virt-launcher', '-o', 'jsonpath={.items[0].status.podIP}']).out;
    assert.match(podIP, /^10\.2\d\d\.1\.\d+$/);
    podUid = kubectl(['get', 'pods', '-l', 'kubevirt.io=virt-launcher', '-o', 'jsonpath={.items[0].metadata.uid}']).out;
    assert.equal(jsonpath('vmi', 'tiny', '.status.interfaces[0].ipAddress'), podIP);
    assert.notEqual(qemus(), '', 'a QEMU runs the domain');

    // The binding came from the scheduler's own process, under its own identity and role.
    assert.equal(up.descendants(/kube-scheduler\.js /).length, 1, 'one kube-scheduler process');
    const scheduled = kubectl(['get', 'events', '--field-selector', 'reason=Scheduled', '-o', 'jsonpath={.items[*].source.component} {.items[*].message}']).out;
    assert.match(scheduled, /^default-scheduler Successfully assigned default\/virt-launcher-tiny-\S+ to node01$/);
    assert.match(kubectl(['get', 'lease', '-n', 'kube-system', 'kube-scheduler', '-o', 'jsonpath={.spec.holderIdentity}']).out, /^kube-scheduler-/);
    const asScheduler = (args: string[]) => kubectl(['--kubeconfig', join(up.dataDir, 'components', 'kube-scheduler.kubeconfig'), ...args], args[0] === 'create' ? VMI.replace('name: tiny', 'name: sneaky') : undefined);
    assert.equal(asScheduler(['auth', 'can-i', 'create', 'pods', '--subresource=binding']).out.trim(), 'yes');
    const denied = asScheduler(['create', '-f', '-']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.out, /User "system:kube-scheduler" cannot create resource "virtualmachineinstances" in API group "kubevirt\.io"/);

    assert.equal(kubectl(['delete', 'vmi', 'tiny', '--wait', '--timeout=120s']).code, 0);
    await until('launcher pod gone', () => (kubectl(['get', 'pods', '-o', 'name']).out.trim() === '' ? true : undefined), 120_000, 500);
    await until('QEMU gone', () => (qemus() === '' ? true : undefined), 30_000, 200);
  } catch (e) {
    throw up.withLog(e);
  } finally {
    assert.equal(await up.stop(), 0, up.log.slice(-2000));
  }
  assert.equal(qemus(), '');
  assert.equal(spawnSync('pgrep', ['-f', `kube-scheduler\\.js .*${up.dataDir}/`], { encoding: 'utf8' }).stdout.trim(), '', 'the scheduler process stopped with up');
  // Only this cluster's leftovers: other clusters may run on the host (their own network slot).
  assert.ok(podUid, 'the launcher pod was seen');
  assert.doesNotMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`kvts-${podUid.replace(/-/g, '').slice(0, 16)}`));
  const slot = up.networkSlot;
  assert.ok(slot !== undefined, 'the cluster leased a network slot');
  const table = slot === 0 ? /kubevirt_ts$/m : new RegExp(`kubevirt_ts_${slot}$`, 'm');
  assert.doesNotMatch(spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout, table);
});
