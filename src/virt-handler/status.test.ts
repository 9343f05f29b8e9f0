import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualMachineInstance } from '../api/kubevirt/index.js';
import type { DomainSummary } from '../launcher-rpc/index.js';
import { desiredStatus, notMigratableReason, phaseFor, statusPatch, type StatusInputs } from './status.js';

const NOW = '2026-11-26T23:40:00Z';

function vmi(over: Partial<VirtualMachineInstance['spec']> = {}, status: VirtualMachineInstance['status'] = { phase: 'Scheduled' }, annotations?: Record<string, string>): VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance',
    metadata: { name: 'vm1', namespace: 'default', resourceVersion: '7', ...(annotations ? { annotations } : {}) },
    spec: {
      domain: { machine: { type: 'q35' }, devices: { interfaces: [{ name: 'default', masquerade: {} }] } },
      networks: [{ name: 'default', pod: {} }],
      ...over,
    },
    status,
  };
}

function dom(state: string, reason: string, extra: Partial<DomainSummary> = {}): DomainSummary {
  return { name: 'default_vm1', uuid: 'u', state, reason, virtType: 'kvm', vcpus: 1, memoryKiB: 1024, interfaces: [{ name: 'default', mac: '52:54:00:00:00:01', ips: [] }], ...extra };
}

const inputs = (domain: DomainSummary | null, over: Partial<StatusInputs> = {}): StatusInputs => ({ domain, nodeName: 'node1', podIP: '10.0.0.5', now: NOW, ...over });

test('phaseFor maps domain states to VMI phases', () => {
  const cases: { name: string; cur: string; domain: DomainSummary | null; lost?: boolean; phase: string | undefined; reason?: string }[] = [
    { name: 'running', cur: 'Scheduled', domain: dom('Running', 'Booted'), phase: 'Running' },
    { name: 'paused stays Running', cur: 'Running', domain: dom('Paused', 'User'), phase: 'Running' },
    { name: 'guest shutdown', cur: 'Running', domain: dom('Shutoff', 'Shutdown'), phase: 'Succeeded' },
    { name: 'crash', cur: 'Running', domain: dom('Shutoff', 'Crashed'), phase: 'Failed', reason: 'Crashed' },
    { name: 'crashed state', cur: 'Running', domain: dom('Crashed', 'Panicked'), phase: 'Failed', reason: 'Crashed' },
    { name: 'shutoff before running', cur: 'Scheduled', domain: dom('Shutoff', 'Unknown'), phase: 'Scheduled' },
    { name: 'no domain', cur: 'Scheduled', domain: null, phase: 'Scheduled' },
    { name: 'launcher lost', cur: 'Running', domain: null, lost: true, phase: 'Failed', reason: 'LauncherLost' },
    { name: 'final is final', cur: 'Succeeded', domain: dom('Running', 'Booted'), phase: 'Succeeded' },
  ];
  for (const tc of cases) {
    const got = phaseFor(vmi({}, { phase: tc.cur as 'Running' }), { domain: tc.domain, launcherLost: tc.lost ? { reason: 'LauncherLost', message: 'gone' } : undefined });
    assert.equal(got.phase, tc.phase, tc.name);
    assert.equal(got.reason, tc.reason, tc.name);
  }
});

test('conditions follow the domain', () => {
  const cases: { name: string; domain: DomainSummary; want: Record<string, string | undefined> }[] = [
    { name: 'running', domain: dom('Running', 'Booted'), want: { LiveMigratable: 'True', Paused: undefined, AgentConnected: undefined, SoftwareEmulation: undefined } },
    { name: 'paused by user', domain: dom('Paused', 'User'), want: { Paused: 'True' } },
    { name: 'agent + tcg', domain: dom('Running', 'Booted', { virtType: 'qemu', guestInfo: { agentConnected: true } }), want: { AgentConnected: 'True', SoftwareEmulation: 'True' } },
    { name: 'crashed', domain: dom('Shutoff', 'Crashed'), want: { LiveMigratable: undefined } },
  ];
  for (const tc of cases) {
    const s = desiredStatus(vmi({}, { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] }), inputs(tc.domain));
    for (const [type, status] of Object.entries(tc.want)) assert.equal(s.conditions?.find((c) => c.type === type)?.status, status, `${tc.name}: ${type}`);
    assert.equal(s.conditions?.[0]?.type, 'PodScheduled', `${tc.name}: other conditions kept`);
  }
  const paused = desiredStatus(vmi({}, { phase: 'Running' }), inputs(dom('Paused', 'User')));
  assert.equal(paused.conditions?.find((c) => c.type === 'Paused')?.reason, 'PausedByUser');
});

test('lastTransitionTime is kept while a condition does not change', () => {
  const before = vmi({}, { phase: 'Running', conditions: [{ type: 'LiveMigratable', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
  const s = desiredStatus(before, inputs(dom('Running', 'Booted')));
  assert.equal(s.conditions?.find((c) => c.type === 'LiveMigratable')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  const p = desiredStatus(before, inputs(dom('Paused', 'User')));
  assert.equal(p.conditions?.find((c) => c.type === 'Paused')?.lastTransitionTime, NOW);
});

test('Ready is left as virt-controller wrote it, whatever the domain does', () => {
  for (const ready of [{ type: 'Ready', status: 'False', reason: 'GuestNotRunning', lastTransitionTime: '2026-01-01T00:00:00Z' }, { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] as const) {
    for (const d of [dom('Running', 'Booted'), dom('Paused', 'User'), dom('Shutoff', 'Crashed'), null]) {
      const s = desiredStatus(vmi({}, { phase: 'Running', conditions: [ready] }), inputs(d));
      assert.deepEqual(s.conditions?.filter((c) => c.type === 'Ready'), [ready], `${ready.status} with ${d?.state ?? 'no domain'}`);
    }
  }
});

test('LiveMigratable reasons', () => {
  const cases: { name: string; v: VirtualMachineInstance; modes?: Record<string, string[]>; reason: string | undefined }[] = [
    { name: 'masquerade, containerDisk', v: vmi({ volumes: [{ name: 'd', containerDisk: { image: 'x' } }] }), reason: undefined },
    { name: 'bridge on pod network', v: vmi({ domain: { devices: { interfaces: [{ name: 'default', bridge: {} }] } } }), reason: 'InterfaceNotLiveMigratable' },
    { name: 'bridge allowed by annotation', v: vmi({ domain: { devices: { interfaces: [{ name: 'default', bridge: {} }] } } }, undefined, { 'kubevirt.io/allow-pod-bridge-network-live-migration': '' }), reason: undefined },
    { name: 'RWO pvc', v: vmi({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }] }), modes: { c: ['ReadWriteOnce'] }, reason: 'DisksNotLiveMigratable' },
    { name: 'RWX pvc', v: vmi({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }] }), modes: { c: ['ReadWriteMany'] }, reason: undefined },
    { name: 'hostDisk', v: vmi({ volumes: [{ name: 'd', hostDisk: { path: '/x', type: 'Disk' } }] }), reason: 'DisksNotLiveMigratable' },
  ];
  for (const tc of cases) assert.equal(notMigratableReason(tc.v, tc.modes)?.reason, tc.reason, tc.name);
});

test('interfaces: masquerade reports the pod IP, bridge the guest agent IPs', () => {
  const masq = desiredStatus(vmi(), inputs(dom('Running', 'Booted')));
  assert.deepEqual(masq.interfaces, [{ name: 'default', infoSource: 'domain', mac: '52:54:00:00:00:01', ipAddress: '10.0.0.5', ipAddresses: ['10.0.0.5'] }]);
  const bridged = vmi({ domain: { devices: { interfaces: [{ name: 'default', bridge: {} }] } } });
  const br = desiredStatus(bridged, inputs(dom('Running', 'Booted', { interfaces: [{ name: 'default', mac: 'm', ips: ['192.168.1.2', 'fe80::1'] }] })));
  assert.deepEqual(br.interfaces?.[0]?.ipAddresses, ['192.168.1.2', 'fe80::1']);
  assert.equal(br.interfaces?.[0]?.ipAddress, '192.168.1.2');
});

test('guest OS info, machine, qos and launcher image', () => {
  const s = desiredStatus(vmi(), inputs(dom('Running', 'Booted', { guestInfo: { agentConnected: true, os: { id: 'fedora', prettyName: 'Fedora 40', other: 'x' } } }), { qosClass: 'Burstable', launcherImage: 'kubevirt-ts/virt-launcher:dev' }));
  assert.deepEqual(s.guestOSInfo, { prettyName: 'Fedora 40', id: 'fedora' });
  assert.deepEqual(s.machine, { type: 'q35' });
  assert.equal(s.qosClass, 'Burstable');
  assert.equal(s.launcherContainerImageVersion, 'kubevirt-ts/virt-launcher:dev');
});

test('statusPatch guards replaced fields with test ops and is empty when unchanged', () => {
  const v = vmi({}, { phase: 'Scheduled', nodeName: 'node1' });
  const want = desiredStatus(v, inputs(dom('Running', 'Booted')));
  const ops = statusPatch(v, want);
  assert.deepEqual(ops.slice(0, 2), [{ op: 'test', path: '/status/phase', value: 'Scheduled' }, { op: 'replace', path: '/status/phase', value: 'Running' }]);
  assert.ok(ops.some((o) => o.op === 'add' && o.path === '/status/conditions'));
  assert.ok(!ops.some((o) => o.path === '/status/nodeName'), 'fields the handler does not own are untouched');
  const after = { ...v, status: { ...v.status, ...JSON.parse(JSON.stringify(want)) as object } };
  assert.deepEqual(statusPatch(after, desiredStatus(after, inputs(dom('Running', 'Booted'), { now: '2030-01-01T00:00:00Z' }))), []);
  assert.deepEqual(statusPatch({ ...v, status: undefined }, { phase: 'Running' })[0], { op: 'add', path: '/status', value: {} });
});
