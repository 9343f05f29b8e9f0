// `create vm`: the manifest built from flags (upstream's defaults, volumes, boot order,
// inference, generated cloud-init) and its YAML, and upstream's errors for bad flag values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildVm, cloudConfig, renderManifest, type CreateVmFlags } from './create-vm.js';
import { runFake } from './testing.js';

const fixed = (): string => 'abcde';
const build = (flags: CreateVmFlags, extra: { namespace?: string; password?: string } = {}) => buildVm({ flags, randomSuffix: fixed, ...extra });

test('defaults: random name, RunStrategy Always, 180 s grace, 512Mi, no volumes', () => {
  assert.equal(
    renderManifest(build({})),
    `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: vm-abcde
spec:
  runStrategy: Always
  template:
    metadata: {}
    spec:
      domain:
        devices: {}
        memory:
          guest: 512Mi
        resources: {}
      terminationGracePeriodSeconds: 180
status: {}
`,
  );
});

test('containerdisk, PVC and imports: names, boot order disks and DataVolume templates', () => {
  const vm = build({
    name: 'my-vm',
    runStrategy: 'halted',
    terminationGracePeriod: 5,
    volumeContainerdisk: ['src:registry:5000/guest:latest', 'src:quay.io/x/y,name:second,bootorder:2'],
    volumePvc: ['src:rootdisk,bootorder:1'],
    volumeImport: ['type:blank,size:1Gi,name:scratch', 'type:http,url:http://h/disk.img,size:2Gi', 'type:pvc,src:golden/base,name:clone'],
  });
  const spec = vm.spec.template.spec;
  assert.equal(vm.spec.runStrategy, 'Halted');
  assert.equal(spec.terminationGracePeriodSeconds, 5);
  assert.deepEqual(spec.volumes, [
    { containerDisk: { image: 'registry:5000/guest:latest' }, name: 'my-vm-containerdisk-0' },
    { containerDisk: { image: 'quay.io/x/y' }, name: 'second' },
    { name: 'rootdisk', persistentVolumeClaim: { claimName: 'rootdisk' } },
    { dataVolume: { name: 'scratch' }, name: 'scratch' },
    { dataVolume: { name: 'imported-volume-abcde' }, name: 'imported-volume-abcde' },
    { dataVolume: { name: 'clone' }, name: 'clone' },
  ]);
  assert.deepEqual(spec.domain.devices.disks, [
    { bootOrder: 2, name: 'second' },
    { bootOrder: 1, name: 'rootdisk' },
  ]);
  assert.deepEqual(vm.spec.dataVolumeTemplates, [
    { metadata: { name: 'scratch' }, spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } } },
    { metadata: { name: 'imported-volume-abcde' }, spec: { source: { http: { url: 'http://h/disk.img' } }, storage: { resources: { requests: { storage: '2Gi' } } } } },
    { metadata: { name: 'clone' }, spec: { source: { pvc: { name: 'base', namespace: 'golden' } }, storage: {} } },
  ]);
  // implicit inference from the lowest boot order (the PVC), failures ignored, memory kept
  assert.deepEqual(vm.spec.instancetype, { inferFromVolume: 'rootdisk', inferFromVolumeFailurePolicy: 'Ignore' });
  assert.deepEqual(vm.spec.preference, { inferFromVolume: 'rootdisk', inferFromVolumeFailurePolicy: 'Ignore' });
  assert.equal(spec.domain.memory.guest, '512Mi');
});

test('instancetype and preference: explicit, namespaced, explicit inference', () => {
  const a = build({ instancetype: 'u1.small', preference: 'virtualmachinepreference/fedora', volumeContainerdisk: ['src:img'] });
  assert.deepEqual(a.spec.instancetype, { name: 'u1.small' });
  assert.deepEqual(a.spec.preference, { kind: 'virtualmachinepreference', name: 'fedora' });
  assert.equal(a.spec.template.spec.domain.memory, undefined, 'an instancetype carries the memory');
  const b = build({ volumePvc: ['src:disk'], inferInstancetype: true });
  assert.deepEqual(b.spec.instancetype, { inferFromVolume: 'disk' });
  assert.equal(b.spec.template.spec.domain.memory, undefined);
  const c = build({ volumeContainerdisk: ['src:img'], memory: '1Gi' });
  assert.equal(c.spec.instancetype, undefined, 'containerdisks cannot be inferred from, nor with --memory');
  assert.equal(c.spec.preference, undefined);
  assert.equal(c.spec.template.spec.domain.memory.guest, '1Gi');
  assert.throws(() => build({ volumeContainerdisk: ['src:img'], inferPreference: true }), /inference of instancetype or preference works only with datasources, datavolumes or pvcs/);
  assert.throws(() => build({ memory: '1Gi', instancetype: 'x' }), /\[instancetype memory\] were all set/);
  assert.throws(() => build({ instancetype: 'pod/x' }), /failed to parse "--instancetype" flag: invalid instancetype kind "pod"/);
});

test('generated cloud-init: user, password, ssh keys; raw base64 user data; none', () => {
  assert.equal(cloudConfig({ user: 'cloud', sshKey: ['ssh-ed25519 AAA a', 'ssh-rsa BBB b'] }, 'secret\n'), '#cloud-config\nuser: cloud\npassword: secret\nchpasswd: { expire: False }\nssh_authorized_keys:\n  - ssh-ed25519 AAA a\n  - ssh-rsa BBB b');
  const vm = build({ user: 'cloud', sshKey: ['ssh-ed25519 AAA a'] });
  assert.deepEqual(vm.spec.template.spec.volumes, [{ cloudInitNoCloud: { userData: '#cloud-config\nuser: cloud\nssh_authorized_keys:\n  - ssh-ed25519 AAA a' }, name: 'cloudinitdisk' }]);
  const raw = build({ cloudInitUserData: 'I2Nsb3VkLWNvbmZpZw==', cloudInitNetworkData: 'bmV0' , cloudInit: 'configdrive' });
  assert.deepEqual(raw.spec.template.spec.volumes, [{ cloudInitConfigDrive: { networkDataBase64: 'bmV0', userDataBase64: 'I2Nsb3VkLWNvbmZpZw==' }, name: 'cloudinitdisk' }]);
  assert.equal(build({ user: 'x', cloudInit: 'none' }).spec.template.spec.volumes, undefined);
  assert.throws(() => build({ user: 'x', cloudInitUserData: 'eA==' }), /\[cloud-init-user-data user\] were all set/);
  assert.throws(() => build({ user: 'x', cloudInit: 'ignition' }), /invalid cloud-init data source type "ignition"/);
});

test('bad volume flags fail with upstream wording', () => {
  const table: [CreateVmFlags, RegExp][] = [
    [{ volumeContainerdisk: ['name:x'] }, /failed to parse "--volume-containerdisk" flag: src must be specified/],
    [{ volumeContainerdisk: ['image'] }, /params need to have at least one colon: image/],
    [{ volumeContainerdisk: ['src:a,color:red'] }, /unknown param\(s\): color:red/],
    [{ volumeContainerdisk: ['src:a,name:Bad_Name'] }, /invalid name "Bad_Name"/],
    [{ volumeContainerdisk: ['src:a,name:d', 'src:b,name:d'] }, /there is already a volume with name "d"/],
    [{ volumeContainerdisk: ['src:a,bootorder:0'] }, /bootorder must be greater than 0/],
    [{ volumeContainerdisk: ['src:a,bootorder:1', 'src:b,bootorder:1'] }, /bootorder 1 was specified multiple times/],
    [{ volumePvc: ['src:ns/pvc'] }, /not allowed to specify namespace of pvc "pvc"/],
    [{ volumeImport: ['type:blank'] }, /size must be specified/],
    [{ volumeImport: ['type:pvc,src:pvc'] }, /namespace of pvc "pvc" must be specified/],
    [{ volumeImport: ['type:ftp,src:x'] }, /invalid volume import type "ftp"/],
    [{ volumeImport: ['type:registry,size:1Gi'] }, /exactly one of url or imagestream must be defined/],
    [{ runStrategy: 'Sometimes' }, /invalid run strategy "Sometimes", supported values are: Always, Manual, Halted, Once, RerunOnFailure/],
    [{ memory: 'lots' }, /failed to parse "--memory" flag/],
  ];
  for (const [flags, re] of table) assert.throws(() => build(flags), re, JSON.stringify(flags));
});

test('virtctl create vm prints parseable YAML; -n sets the namespace; --password-file is read and warned about', async () => {
  const r = await runFake(['create', 'vm', '--name=web', '-n', 'prod', '--volume-containerdisk', 'src:img:1', '--user', 'root', '--password-file', '/pw', '--infer-preference=false'], { files: { '/pw': 'hunter2\n' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARNING: --password-file: The password is stored in cleartext/);
  const vm = parse(r.stdout);
  assert.equal(vm.metadata.namespace, 'prod');
  assert.equal(vm.metadata.name, 'web');
  assert.equal(vm.spec.template.spec.volumes[1].cloudInitNoCloud.userData, '#cloud-config\nuser: root\npassword: hunter2\nchpasswd: { expire: False }');
  assert.equal(r.requests.length, 0, 'create vm talks to no server');
  const random = await runFake(['create', 'vm']);
  assert.match(parse(random.stdout).metadata.name, /^vm-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(parse(random.stdout).metadata.namespace, undefined);
  const missing = await runFake(['create', 'vm', '--password-file', '/nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /failed to parse "--password-file" flag: open \/nope/);
});
