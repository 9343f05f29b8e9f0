import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../meta/index.js';
import type { VirtualMachineInstance } from '../vmi.js';
import { clusterConfigFromKubeVirt, DEFAULT_CLUSTER_CONFIG, type ClusterConfig } from './cluster-config.js';
import { defaultVMI } from './vmi.js';
import { applyJSONPatch, jsonPatchDiff } from './patch.js';
import { newVMI, withArch, withContainerDisk, withDisk, withInterface, withMemory, withResources, withVolume, type VMIMod } from './testing.js';

const NOW = '2026-01-01T00:00:00Z';
const cfg = (configuration: object): ClusterConfig => clusterConfigFromKubeVirt({ spec: { configuration } });
const run = (vmi: VirtualMachineInstance, c: ClusterConfig = DEFAULT_CLUSTER_CONFIG) => defaultVMI(vmi, c, { now: NOW }).object;
const vmiWith = (...mods: VMIMod[]) => newVMI('testvm', ...mods);

test('architecture, machine type and CPU model', () => {
  const table: [string, VirtualMachineInstance, ClusterConfig, [string | undefined, string | undefined, string | undefined]][] = [
    ['amd64 defaults', vmiWith(), DEFAULT_CLUSTER_CONFIG, ['amd64', 'q35', 'host-model']],
    ['cluster default architecture', vmiWith(), cfg({ architectureConfiguration: { defaultArchitecture: 'arm64' } }), ['arm64', 'virt', 'host-passthrough']],
    ['arm64 VMI', vmiWith(withArch('arm64')), DEFAULT_CLUSTER_CONFIG, ['arm64', 'virt', 'host-passthrough']],
    ['s390x VMI', vmiWith(withArch('s390x')), DEFAULT_CLUSTER_CONFIG, ['s390x', 's390-ccw-virtio', 'host-model']],
    ['cluster machine type', vmiWith(), cfg({ architectureConfiguration: { amd64: { machineType: 'pc-q35-9.0' } } }), ['amd64', 'pc-q35-9.0', 'host-model']],
    ['cluster CPU model', vmiWith(), cfg({ cpuModel: 'Haswell-noTSX' }), ['amd64', 'q35', 'Haswell-noTSX']],
    [
      'user values kept',
      vmiWith((v) => {
        v.spec.domain.machine = { type: 'pc-q35-7.2' };
        v.spec.domain.cpu = { model: 'host-passthrough' };
      }),
      cfg({ cpuModel: 'Haswell' }),
      ['amd64', 'pc-q35-7.2', 'host-passthrough'],
    ],
  ];
  for (const [name, vmi, c, want] of table) {
    const out = run(vmi, c);
    assert.deepEqual([out.spec.architecture, out.spec.domain.machine?.type, out.spec.domain.cpu?.model], want, name);
  }
});

test('CPU topology from the CPU count, CPU request from the cluster', () => {
  const table: [string, VirtualMachineInstance, ClusterConfig, object, object | undefined][] = [
    ['nothing set', vmiWith(), DEFAULT_CLUSTER_CONFIG, { sockets: 1, cores: 1, threads: 1 }, undefined],
    ['cpu limit', vmiWith(withResources({ limits: { cpu: '2' } })), DEFAULT_CLUSTER_CONFIG, { sockets: 2, cores: 1, threads: 1 }, { cpu: '2' }],
    ['fractional request rounds up', vmiWith(withResources({ requests: { cpu: '500m' } })), DEFAULT_CLUSTER_CONFIG, { sockets: 1, cores: 1, threads: 1 }, { cpu: '500m' }],
    ['custom cluster cpuRequest', vmiWith(), cfg({ cpuRequest: '250m' }), { sockets: 1, cores: 1, threads: 1 }, { cpu: '250m' }],
    [
      'dedicated CPUs get no cluster request',
      vmiWith((v) => (v.spec.domain.cpu = { cores: 2, dedicatedCpuPlacement: true })),
      cfg({ cpuRequest: '250m' }),
      { cores: 2, dedicatedCpuPlacement: true },
      undefined,
    ],
    ['topology given is kept', vmiWith((v) => (v.spec.domain.cpu = { cores: 2 })), DEFAULT_CLUSTER_CONFIG, { cores: 2 }, undefined],
  ];
  for (const [name, vmi, c, topology, requests] of table) {
    const out = run(vmi, cfg({ ...c.raw, vmRolloutStrategy: 'Stage' }));
    const { model: _m, ...cpu } = out.spec.domain.cpu ?? {};
    assert.deepEqual(cpu, topology, name);
    const { memory: _mem, ...req } = out.spec.domain.resources?.requests ?? {};
    assert.deepEqual(Object.keys(req).length ? req : undefined, requests, name);
  }
});

test('memory request and guest memory derive from each other', () => {
  const table: [string, VirtualMachineInstance, ClusterConfig, string | undefined, string | undefined][] = [
    ['guest only', vmiWith(withMemory('1Gi')), DEFAULT_CLUSTER_CONFIG, '1Gi', '1Gi'],
    ['request only', vmiWith(withResources({ requests: { memory: '512Mi' } })), DEFAULT_CLUSTER_CONFIG, '512Mi', '512Mi'],
    ['limit only', vmiWith(withResources({ limits: { memory: '256Mi' } })), DEFAULT_CLUSTER_CONFIG, '256Mi', '256Mi'],
    ['overcommit 150%', vmiWith(withMemory('1536Mi')), cfg({ developerConfiguration: { memoryOvercommit: 150 } }), '1Gi', '1536Mi'],
    ['overcommit, inexact', vmiWith(withMemory('1Gi')), cfg({ developerConfiguration: { memoryOvercommit: 150 } }), '715827882', '1Gi'],
    ['decimal guest keeps decimal format', vmiWith(withMemory('3G')), cfg({ developerConfiguration: { memoryOvercommit: 300 } }), '1G', '3G'],
    ['hugepages size', vmiWith((v) => (v.spec.domain.memory = { hugepages: { pageSize: '2Mi' } })), DEFAULT_CLUSTER_CONFIG, '2Mi', '2Mi'],
    ['both given are kept', vmiWith(withMemory('1Gi'), withResources({ requests: { memory: '768Mi' } })), DEFAULT_CLUSTER_CONFIG, '768Mi', '1Gi'],
    ['nothing given', vmiWith(), DEFAULT_CLUSTER_CONFIG, undefined, undefined],
  ];
  for (const [name, vmi, c, request, guest] of table) {
    const out = run(vmi, c);
    assert.equal(out.spec.domain.resources?.requests?.['memory'], request, `${name}: request`);
    assert.equal(out.spec.domain.memory?.guest, guest, `${name}: guest`);
    if (guest) assert.deepEqual(out.status?.memory, { guestAtBoot: guest, guestCurrent: guest, guestRequested: guest }, name);
  }
});

test('hotplug ceilings under the LiveUpdate rollout strategy', () => {
  const table: [string, VirtualMachineInstance, ClusterConfig, number | undefined, string | undefined][] = [
    ['2Gi guest', vmiWith(withMemory('2Gi')), DEFAULT_CLUSTER_CONFIG, 4, '8Gi'],
    ['small guest: no memory hotplug', vmiWith(withMemory('128Mi')), DEFAULT_CLUSTER_CONFIG, 4, undefined],
    ['unaligned guest: no memory hotplug', vmiWith(withMemory('1025M')), DEFAULT_CLUSTER_CONFIG, 4, undefined],
    ['Stage strategy: none', vmiWith(withMemory('2Gi')), cfg({ vmRolloutStrategy: 'Stage' }), undefined, undefined],
    ['cluster maxCpuSockets and maxGuest', vmiWith(withMemory('2Gi')), cfg({ liveUpdateConfiguration: { maxCpuSockets: 8, maxGuest: '16Gi' } }), 8, '16Gi'],
    ['realtime: no memory hotplug', vmiWith(withMemory('2Gi'), (v) => (v.spec.domain.cpu = { sockets: 2, realtime: {} })), DEFAULT_CLUSTER_CONFIG, 8, undefined],
    ['arm64: none', vmiWith(withMemory('2Gi'), withArch('arm64')), DEFAULT_CLUSTER_CONFIG, undefined, undefined],
    ['vCPU ceiling 512', vmiWith((v) => (v.spec.domain.cpu = { sockets: 4, cores: 64, threads: 1 })), DEFAULT_CLUSTER_CONFIG, 8, undefined],
  ];
  for (const [name, vmi, c, maxSockets, maxGuest] of table) {
    const out = run(vmi, c);
    assert.equal(out.spec.domain.cpu?.maxSockets, maxSockets, `${name}: maxSockets`);
    assert.equal(out.spec.domain.memory?.maxGuest, maxGuest, `${name}: maxGuest`);
  }
});

test('disk targets and buses', () => {
  const table: [string, VirtualMachineInstance, object[]][] = [
    ['disk without target on amd64', vmiWith(withDisk({ name: 'd' })), [{ name: 'd', disk: { bus: 'sata' } }]],
    ['explicit virtio kept', vmiWith(withDisk({ name: 'd', disk: { bus: 'virtio' } })), [{ name: 'd', disk: { bus: 'virtio' } }]],
    ['cdrom', vmiWith(withDisk({ name: 'c', cdrom: {} })), [{ name: 'c', cdrom: { bus: 'sata', readonly: true, tray: 'closed' } }]],
    ['cdrom values kept', vmiWith(withDisk({ name: 'c', cdrom: { bus: 'scsi', readonly: false, tray: 'open' } })), [{ name: 'c', cdrom: { bus: 'scsi', readonly: false, tray: 'open' } }]],
    ['lun', vmiWith(withDisk({ name: 'l', lun: {} })), [{ name: 'l', lun: { bus: 'sata' } }]],
    ['arm64 uses virtio', vmiWith(withArch('arm64'), withDisk({ name: 'd' }), withDisk({ name: 'c', cdrom: {} })), [{ name: 'd', disk: { bus: 'virtio' } }, { name: 'c', cdrom: { bus: 'virtio', readonly: true, tray: 'closed' } }]],
    ['a disk for each volume without one', vmiWith(withContainerDisk('root', 'img:1'), withDisk({ name: 'root', disk: { bus: 'virtio' } }), withVolume({ name: 'ci', cloudInitNoCloud: { userData: '#cloud-config' } })), [{ name: 'root', disk: { bus: 'virtio' } }, { name: 'ci', disk: { bus: 'sata' } }]],
    ['filesystems count as used', vmiWith(withVolume({ name: 'fs', persistentVolumeClaim: { claimName: 'p' } }), (v) => (v.spec.domain.devices.filesystems = [{ name: 'fs', virtiofs: {} }])), []],
  ];
  for (const [name, vmi, disks] of table) assert.deepEqual(run(vmi).spec.domain.devices.disks ?? [], disks, name);
});

test('containerDisk pull policy follows the image tag', () => {
  const table: [string, string | undefined, string][] = [
    ['registry:5000/kubevirt-ts/test-guest:latest', undefined, 'Always'],
    ['quay.io/containerdisks/fedora', undefined, 'Always'],
    ['registry:5000/guest:v1', undefined, 'IfNotPresent'],
    ['quay.io/x@sha256:0123', undefined, 'IfNotPresent'],
    ['img:latest', 'Never', 'Never'],
  ];
  for (const [image, given, want] of table) {
    const vmi = vmiWith(withVolume({ name: 'root', containerDisk: { image, ...(given ? { imagePullPolicy: given as 'Never' } : {}) } }));
    assert.equal(run(vmi).spec.volumes?.[0]?.containerDisk?.imagePullPolicy, want, image);
  }
});

test('default pod network and interface', () => {
  const masq = { interfaces: [{ name: 'default', masquerade: {}, model: 'virtio' }], networks: [{ name: 'default', pod: {} }] };
  const table: [string, VirtualMachineInstance, ClusterConfig, object | string][] = [
    ['none given', vmiWith(), DEFAULT_CLUSTER_CONFIG, masq],
    ['cluster bridge', vmiWith(), cfg({ network: { defaultNetworkInterface: 'bridge' } }), { interfaces: [{ name: 'default', bridge: {}, model: 'virtio' }], networks: [{ name: 'default', pod: {} }] }],
    ['bridge not permitted', vmiWith(), cfg({ network: { defaultNetworkInterface: 'bridge', permitBridgeInterfaceOnPodNetwork: false } }), 'bridge interface is not enabled in kubevirt-config'],
    ['slirp', vmiWith(), cfg({ network: { defaultNetworkInterface: 'slirp' } }), 'slirp interface is deprecated as of v1.3'],
    ['autoattachPodInterface false', vmiWith((v) => (v.spec.domain.devices.autoattachPodInterface = false)), DEFAULT_CLUSTER_CONFIG, { interfaces: undefined, networks: undefined }],
    [
      'given interfaces kept, model defaulted',
      vmiWith(withInterface({ name: 'n1', bridge: {} }, { name: 'n1', multus: { networkName: 'br' } }), withInterface({ name: 'n2', masquerade: {}, model: 'e1000' }, { name: 'n2', pod: {} })),
      DEFAULT_CLUSTER_CONFIG,
      { interfaces: [{ name: 'n1', bridge: {}, model: 'virtio' }, { name: 'n2', masquerade: {}, model: 'e1000' }], networks: [{ name: 'n1', multus: { networkName: 'br' } }, { name: 'n2', pod: {} }] },
    ],
  ];
  for (const [name, vmi, c, want] of table) {
    if (typeof want === 'string') {
      assert.throws(() => run(vmi, c), (e: unknown) => e instanceof StatusError && e.message === want, name);
      continue;
    }
    const out = run(vmi, c);
    assert.deepEqual({ interfaces: out.spec.domain.devices.interfaces, networks: out.spec.networks }, want, name);
  }
});

test('firmware UUID, grace period, finalizer, status and node selectors', () => {
  const out = run(vmiWith());
  assert.equal(out.spec.domain.firmware?.uuid, '5a9fc181-957e-5c32-9e5a-2de5e9673531');
  assert.equal(out.spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(out.metadata?.finalizers, ['kubevirt.io/foregroundDeleteVirtualMachine']);
  assert.equal(out.status?.phase, 'Pending');
  assert.deepEqual(out.status?.phaseTransitionTimestamps, [{ phase: 'Pending', phaseTransitionTimestamp: NOW }]);
  assert.equal(out.status?.runtimeUser, 107);
  assert.deepEqual(out.status?.currentCPUTopology, { sockets: 1, cores: 1, threads: 1 });
  assert.deepEqual(out.spec.domain.features, { acpi: { enabled: true } });

  const generated = defaultVMI(newVMI('', (v) => (v.metadata = { generateName: 'vm-', namespace: 'default' })), DEFAULT_CLUSTER_CONFIG, { now: NOW, newUUID: () => 'fixed-uuid' });
  assert.equal(generated.object.spec.domain.firmware?.uuid, 'fixed-uuid');

  const kept = run(vmiWith((v) => {
    v.spec.domain.firmware = { uuid: 'mine' };
    v.spec.terminationGracePeriodSeconds = 0;
    v.metadata!.finalizers = ['example.com/keep'];
  }));
  assert.equal(kept.spec.domain.firmware?.uuid, 'mine');
  assert.equal(kept.spec.terminationGracePeriodSeconds, 0);
  assert.deepEqual(kept.metadata?.finalizers, ['example.com/keep', 'kubevirt.io/foregroundDeleteVirtualMachine']);

  assert.equal(run(vmiWith(), cfg({ developerConfiguration: { featureGates: ['Root'] } })).status?.runtimeUser, undefined);
  assert.equal(run(vmiWith(), cfg({ evictionStrategy: 'LiveMigrate' })).spec.evictionStrategy, 'LiveMigrate');
  assert.equal(run(vmiWith((v) => (v.spec.evictionStrategy = 'None')), cfg({ evictionStrategy: 'LiveMigrate' })).spec.evictionStrategy, 'None');

  const rt = run(vmiWith((v) => (v.spec.domain.cpu = { cores: 1, realtime: {} })));
  assert.deepEqual(rt.spec.nodeSelector, { 'kubevirt.io/realtime': '' });
  const sev = run(vmiWith((v) => (v.spec.domain.launchSecurity = { sev: { policy: { encryptedState: true } } })));
  assert.deepEqual(sev.spec.nodeSelector, { 'kubevirt.io/sev': '', 'kubevirt.io/sev-es': '' });
});

test('features, timers, Hyper-V dependencies, watchdog, inputs and probes', () => {
  const out = run(
    vmiWith((v) => {
      v.spec.domain.features = { smm: {}, hyperv: { synictimer: {}, evmcs: {}, spinlocks: {}, tlbflush: { enabled: false } } };
      v.spec.domain.clock = { utc: {}, timer: { hpet: { present: false }, rtc: { tickPolicy: 'catchup' } } };
      v.spec.domain.devices.watchdog = { name: 'w' };
      v.spec.domain.devices.inputs = [{ name: 'tablet' } as never];
      v.spec.readinessProbe = { tcpSocket: { port: 22 }, periodSeconds: 5 };
    }),
  );
  const f = out.spec.domain.features!;
  assert.deepEqual(f.acpi, { enabled: true });
  assert.deepEqual(f.smm, { enabled: true });
  assert.deepEqual(f.hyperv?.synictimer, { enabled: true });
  assert.deepEqual(f.hyperv?.synic, { enabled: true }, 'synictimer needs synic');
  assert.deepEqual(f.hyperv?.vpindex, { enabled: true }, 'synic needs vpindex');
  assert.deepEqual(f.hyperv?.vapic, { enabled: true }, 'evmcs needs vapic');
  assert.deepEqual(f.hyperv?.spinlocks, { enabled: true, spinlocks: 4096 });
  assert.deepEqual(f.hyperv?.tlbflush, { enabled: false });
  assert.deepEqual(out.spec.domain.cpu?.features, [{ name: 'vmx', policy: 'require' }]);
  assert.deepEqual(out.spec.domain.clock?.timer, { hpet: { present: false }, rtc: { tickPolicy: 'catchup', present: true } });
  assert.deepEqual(out.spec.domain.devices.watchdog, { name: 'w', i6300esb: { action: 'reset' } });
  assert.deepEqual(out.spec.domain.devices.inputs, [{ name: 'tablet', bus: 'usb', type: 'tablet' }]);
  assert.deepEqual(out.spec.readinessProbe, { tcpSocket: { port: 22 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(run(vmiWith(withArch('s390x'))).spec.domain.features?.acpi, { enabled: false });
  assert.deepEqual(run(vmiWith(withArch('arm64'))).spec.domain.firmware?.bootloader, { efi: { secureBoot: false } });
});

const fixtures: [string, VirtualMachineInstance, ClusterConfig][] = [
  ['empty', vmiWith(), DEFAULT_CLUSTER_CONFIG],
  ['containerDisk + cloud-init', vmiWith(withMemory('2Gi'), withContainerDisk('root', 'registry:5000/kubevirt-ts/test-guest:latest'), withVolume({ name: 'ci', cloudInitNoCloud: { userData: 'x' } })), DEFAULT_CLUSTER_CONFIG],
  ['overcommit + custom cpu', vmiWith(withMemory('3Gi')), cfg({ developerConfiguration: { memoryOvercommit: 150 }, cpuRequest: '300m' })],
  ['hyperv + cdrom', vmiWith(withDisk({ name: 'c', cdrom: {} }), (v) => (v.spec.domain.features = { hyperv: { synictimer: {}, evmcs: {} } })), DEFAULT_CLUSTER_CONFIG],
  ['arm64 bridge', vmiWith(withArch('arm64')), cfg({ network: { defaultNetworkInterface: 'bridge' } })],
];

test('defaulting twice changes nothing', () => {
  for (const [name, vmi, c] of fixtures) {
    const once = run(vmi, c);
    const twice = run(once, c);
    assert.deepEqual(twice, once, name);
    assert.deepEqual(jsonPatchDiff(once, twice), [], name);
  }
});

test('the JSON patch turns the request into the defaulted VMI, and the input is not mutated', () => {
  for (const [name, vmi, c] of fixtures) {
    const before = structuredClone(vmi);
    const out = run(vmi, c);
    assert.deepEqual(vmi, before, `${name}: input untouched`);
    const ops = jsonPatchDiff(vmi, out);
    assert.ok(ops.length > 0, name);
    assert.deepEqual(applyJSONPatch(vmi, ops), out, name);
  }
});
