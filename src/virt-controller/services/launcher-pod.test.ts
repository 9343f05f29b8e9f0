import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { newVMI, withContainerDisk, withInterface, withLabels, withMemory, withResources, withVolume, type VMIMod } from '../../api/kubevirt/defaults/testing.js';
import { renderLauncherPod, type LauncherPodConfig } from './launcher-pod.js';
import { computeResources, memoryOverheadBytes } from './resources.js';

const config: LauncherPodConfig = { version: '0.1.0', cpuAllocationRatio: 10, useEmulation: false };
const withUID: VMIMod = (v) => {
  v.metadata = { ...v.metadata, uid: 'uid-1' };
};
const withSpec = (s: Partial<VirtualMachineInstance['spec']>): VMIMod => (v) => {
  Object.assign(v.spec, s);
};
const render = (...mods: VMIMod[]) => renderLauncherPod(newVMI('vm1', withUID, withMemory('1Gi'), ...mods), config);
const MiB = 1024 * 1024;

test('metadata: generateName, owner reference, labels and annotations', () => {
  const pod = render(withLabels({ app: 'web', [`kubevirt.io`]: 'overridden' }));
  assert.equal(pod.metadata.generateName, 'virt-launcher-vm1-');
  assert.equal(pod.metadata.namespace, 'default');
  assert.deepEqual(pod.metadata.ownerReferences, [
    { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'vm1', uid: 'uid-1', controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(pod.metadata.labels, { app: 'web', 'kubevirt.io': 'virt-launcher', 'kubevirt.io/created-by': 'uid-1', 'vm.kubevirt.io/name': 'vm1' });
  assert.deepEqual(pod.metadata.annotations, { 'kubevirt.io/domain': 'vm1', 'kubectl.kubernetes.io/default-container': 'compute' });
});

const specCases: { name: string; mods: VMIMod[]; check: (p: ReturnType<typeof render>) => void }[] = [
  { name: 'nodeSelector adds schedulable', mods: [withSpec({ nodeSelector: { disk: 'ssd' } })], check: (p) => assert.deepEqual(p.spec.nodeSelector, { disk: 'ssd', 'kubevirt.io/schedulable': 'true' }) },
  { name: 'nodeSelector without VMI selector', mods: [], check: (p) => assert.deepEqual(p.spec.nodeSelector, { 'kubevirt.io/schedulable': 'true' }) },
  {
    name: 'affinity and tolerations copied',
    mods: [withSpec({ affinity: { nodeAffinity: { x: 1 } }, tolerations: [{ key: 'k', operator: 'Exists' }] })],
    check: (p) => {
      assert.deepEqual(p.spec.affinity, { nodeAffinity: { x: 1 } });
      assert.deepEqual(p.spec.tolerations, [{ key: 'k', operator: 'Exists' }]);
    },
  },
  { name: 'priority class', mods: [withSpec({ priorityClassName: 'high' })], check: (p) => assert.equal(p.spec.priorityClassName, 'high') },
  { name: 'scheduler name', mods: [withSpec({ schedulerName: 'other' })], check: (p) => assert.equal(p.spec.schedulerName, 'other') },
  { name: 'no scheduler name by default', mods: [], check: (p) => assert.equal(p.spec.schedulerName, undefined) },
  {
    name: 'hostname and subdomain',
    mods: [withSpec({ hostname: 'h', subdomain: 's' })],
    check: (p) => {
      assert.equal(p.spec.hostname, 'h');
      assert.equal(p.spec.subdomain, 's');
    },
  },
  { name: 'hostname defaults to the VMI name', mods: [], check: (p) => assert.equal(p.spec.hostname, 'vm1') },
  { name: 'restartPolicy Never', mods: [], check: (p) => assert.equal(p.spec.restartPolicy, 'Never') },
  { name: 'grace 30 -> pod 60', mods: [], check: (p) => assert.equal(p.spec.terminationGracePeriodSeconds, 60) },
  {
    name: 'grace 0 -> pod 30, launcher 15',
    mods: [withSpec({ terminationGracePeriodSeconds: 0 })],
    check: (p) => {
      assert.equal(p.spec.terminationGracePeriodSeconds, 30);
      const cmd = p.spec.containers[0]!.command!;
      assert.equal(cmd[cmd.indexOf('--grace-period') + 1], '15');
    },
  },
  { name: 'readiness gate', mods: [], check: (p) => assert.deepEqual(p.spec.readinessGates, [{ conditionType: 'kubevirt.io/virtual-machine-unpaused' }]) },
  {
    name: 'compute container first, image and command',
    mods: [],
    check: (p) => {
      const c = p.spec.containers[0]!;
      assert.equal(c.name, 'compute');
      assert.equal(c.image, 'kubevirt-ts/virt-launcher:0.1.0');
      assert.deepEqual(c.command, ['virt-launcher', '--name', 'vm1', '--namespace', 'default', '--uid', 'uid-1', '--private-dir', '/var/run/kubevirt-private', '--grace-period', '45']);
    },
  },
  { name: 'no service account token without a serviceAccount volume', mods: [], check: (p) => assert.equal(p.spec.automountServiceAccountToken, false) },
  {
    name: 'serviceAccount volume runs the pod as that account',
    mods: [withVolume({ name: 'sa', serviceAccount: { serviceAccountName: 'robot' } })],
    check: (p) => {
      assert.equal(p.spec.serviceAccountName, 'robot');
      assert.equal(p.spec.automountServiceAccountToken, true);
    },
  },
];
for (const c of specCases) test(`spec: ${c.name}`, () => c.check(render(...c.mods)));

test('memory overhead: fixed 129 MiB + guest/512 + 8 MiB per vCPU', () => {
  const cases: [VMIMod[], number][] = [
    [[withMemory('1Gi')], 129 + 2 + 8],
    [[withMemory('2Gi'), withSpec({ domain: { devices: {}, memory: { guest: '2Gi' }, cpu: { sockets: 2, cores: 2, threads: 1 } } })], 129 + 4 + 32],
    [[withMemory('100Mi')], 129 + 1 + 8],
  ];
  for (const [mods, mib] of cases) assert.equal(memoryOverheadBytes(newVMI('x', ...mods)), mib * MiB);
});

const resourceCases: { name: string; mods: VMIMod[]; cfg?: Partial<LauncherPodConfig>; requests: Record<string, string>; limits: Record<string, string> }[] = [
  {
    name: 'guest memory + overhead, vCPU/10, kvm+tun+vhost-net',
    mods: [withResources({ requests: { memory: '1Gi' } })],
    requests: { memory: '1163Mi', cpu: '100m' },
    limits: { 'devices.kubevirt.io/kvm': '1', 'devices.kubevirt.io/tun': '1', 'devices.kubevirt.io/vhost-net': '1' },
  },
  {
    name: 'VMI cpu request wins; limits get the overhead',
    mods: [withResources({ requests: { memory: '1Gi', cpu: '2' }, limits: { memory: '2Gi', cpu: '2' } })],
    requests: { memory: '1163Mi', cpu: '2' },
    limits: { memory: '2187Mi', cpu: '2000m', 'devices.kubevirt.io/kvm': '1', 'devices.kubevirt.io/tun': '1', 'devices.kubevirt.io/vhost-net': '1' },
  },
  {
    name: 'emulation: no kvm, no vhost-net',
    mods: [withResources({ requests: { memory: '1Gi' } })],
    cfg: { useEmulation: true },
    requests: { memory: '1163Mi', cpu: '100m' },
    limits: { 'devices.kubevirt.io/tun': '1' },
  },
  {
    name: 'e1000 NIC: tun without vhost-net; ratio 4 on 4 vCPUs',
    mods: [withResources({ requests: { memory: '1Gi' } }), withInterface({ name: 'n', model: 'e1000', masquerade: {} }, { name: 'n', pod: {} }), withSpec({ domain: { devices: { interfaces: [{ name: 'n', model: 'e1000', masquerade: {} }] }, memory: { guest: '1Gi' }, resources: { requests: { memory: '1Gi' } }, cpu: { sockets: 4 } } })],
    cfg: { cpuAllocationRatio: 4 },
    requests: { memory: '1187Mi', cpu: '1000m' },
    limits: { 'devices.kubevirt.io/kvm': '1', 'devices.kubevirt.io/tun': '1' },
  },
  {
    name: 'no pod interface: no tun or vhost-net',
    mods: [withResources({ requests: { memory: '1Gi' } }), (v) => (v.spec.domain.devices.autoattachPodInterface = false)],
    requests: { memory: '1163Mi', cpu: '100m' },
    limits: { 'devices.kubevirt.io/kvm': '1' },
  },
  {
    name: 'overcommitGuestOverhead keeps the overhead out of the request',
    mods: [withResources({ requests: { memory: '1Gi' } }), (v) => (v.spec.domain.resources!.overcommitGuestOverhead = true)],
    requests: { memory: '1Gi', cpu: '100m' },
    limits: { 'devices.kubevirt.io/kvm': '1', 'devices.kubevirt.io/tun': '1', 'devices.kubevirt.io/vhost-net': '1' },
  },
];
for (const c of resourceCases) {
  test(`resources: ${c.name}`, () => {
    const vmi = newVMI('vm1', withMemory('1Gi'), ...c.mods);
    assert.deepEqual(computeResources(vmi, { ...config, ...c.cfg }), { requests: c.requests, limits: c.limits });
  });
}

const volumeCases: { name: string; mods: VMIMod[]; volume: unknown; mount: unknown }[] = [
  {
    name: 'PVC',
    mods: [withVolume({ name: 'root', persistentVolumeClaim: { claimName: 'disk-pvc' } })],
    volume: { name: 'root', persistentVolumeClaim: { claimName: 'disk-pvc' } },
    mount: { name: 'root', mountPath: '/var/run/kubevirt-private/vmi-disks/root' },
  },
  {
    name: 'read-only PVC',
    mods: [withVolume({ name: 'root', persistentVolumeClaim: { claimName: 'p', readOnly: true } })],
    volume: { name: 'root', persistentVolumeClaim: { claimName: 'p', readOnly: true } },
    mount: { name: 'root', mountPath: '/var/run/kubevirt-private/vmi-disks/root', readOnly: true },
  },
  {
    name: 'DataVolume uses the PVC of the same name',
    mods: [withVolume({ name: 'dv', dataVolume: { name: 'my-dv' } })],
    volume: { name: 'dv', persistentVolumeClaim: { claimName: 'my-dv' } },
    mount: { name: 'dv', mountPath: '/var/run/kubevirt-private/vmi-disks/dv' },
  },
  {
    name: 'containerDisk as a read-only image volume',
    mods: [withContainerDisk('cd', 'registry:5000/guest:1')],
    volume: { name: 'container-disk-cd', image: { reference: 'registry:5000/guest:1' } },
    mount: { name: 'container-disk-cd', mountPath: '/var/run/kubevirt/container-disks/cd', readOnly: true },
  },
  {
    name: 'hostDisk mounts its directory',
    mods: [withVolume({ name: 'hd', hostDisk: { path: '/data/vm/disk.img', type: 'DiskOrCreate', capacity: '1Gi' } })],
    volume: { name: 'hd', hostPath: { path: '/data/vm', type: 'DirectoryOrCreate' } },
    mount: { name: 'hd', mountPath: '/data/vm' },
  },
  {
    name: 'configMap',
    mods: [withVolume({ name: 'cm', configMap: { name: 'conf' } })],
    volume: { name: 'cm', configMap: { name: 'conf' } },
    mount: { name: 'cm', mountPath: '/var/run/kubevirt-private/config-map/cm', readOnly: true },
  },
  {
    name: 'secret',
    mods: [withVolume({ name: 's', secret: { secretName: 'sec', optional: true } })],
    volume: { name: 's', secret: { secretName: 'sec', optional: true } },
    mount: { name: 's', mountPath: '/var/run/kubevirt-private/secret/s', readOnly: true },
  },
  {
    name: 'downwardAPI mounts the fields where the launcher builds its ISO',
    mods: [withVolume({ name: 'labels', downwardAPI: { fields: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } })],
    volume: { name: 'labels', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    mount: { name: 'labels', mountPath: '/var/run/kubevirt-private/downwardapi/labels', readOnly: true },
  },
];
for (const c of volumeCases) {
  test(`volumes: ${c.name}`, () => {
    const pod = render(...c.mods);
    assert.deepEqual(pod.spec.volumes?.slice(0, 2).map((v) => v.name), ['private', 'ephemeral-disks']);
    assert.deepEqual(pod.spec.volumes?.[2], c.volume);
    assert.deepEqual(pod.spec.containers[0]!.volumeMounts?.[2], c.mount);
  });
}

test('volumes: cloud-init and emptyDisk need no pod volume', () => {
  const pod = render(withVolume({ name: 'ci', cloudInitNoCloud: { userData: 'x' } }), withVolume({ name: 'e', emptyDisk: { capacity: '1Gi' } }));
  assert.equal(pod.spec.volumes?.length, 2);
});

test('containerDisk pull secrets become imagePullSecrets', () => {
  const pod = render(withVolume({ name: 'a', containerDisk: { image: 'i', imagePullSecret: 'reg' } }), withVolume({ name: 'b', containerDisk: { image: 'j', imagePullSecret: 'reg' } }));
  assert.deepEqual(pod.spec.imagePullSecrets, [{ name: 'reg' }]);
});

test('the VMI is not changed', () => {
  const vmi = newVMI('vm1', withUID, withMemory('1Gi'), withSpec({ tolerations: [{ key: 'k' }] }));
  const before = structuredClone(vmi);
  const pod = renderLauncherPod(vmi, config);
  pod.spec.tolerations![0]!.key = 'changed';
  assert.deepEqual(vmi, before);
});

// The whole pod of two defaulted VMIs, pinned: refresh with UPDATE_GOLDEN=1 after a deliberate change.
const defaulted = new URL('../../api/kubevirt/defaults/testdata/', import.meta.url).pathname;
const testdata = new URL('./testdata/', import.meta.url).pathname;
for (const name of ['vmi-containerdisk', 'vmi-multiple-nics']) {
  test(`launcher pod of ${name} matches its golden file`, () => {
    const vmi = JSON.parse(readFileSync(`${defaulted}${name}.defaulted.json`, 'utf8')) as VirtualMachineInstance;
    vmi.metadata = { ...vmi.metadata, uid: '11111111-2222-3333-4444-555555555555' };
    const out = stringify(renderLauncherPod(vmi, config));
    const file = `${testdata}${name}.pod.yaml`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, out);
    assert.equal(out, readFileSync(file, 'utf8'), `${file} differs; UPDATE_GOLDEN=1 rewrites it`);
  });
}
