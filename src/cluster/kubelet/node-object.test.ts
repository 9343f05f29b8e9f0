import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime, newNode, nodeCapacity, nodeName, ownedNodeStatus } from './node-object.js';

const id = { name: 'node01', internalIP: '127.0.0.1', arch: 'amd64', kernelVersion: 'k', osImage: 'Debian', machineID: 'm', bootID: 'b', port: 10250 };

test('nodeCapacity gives each node every CPU and splits memory and storage', () => {
  const m = { cpus: 2, memoryBytes: 8 * 2 ** 30, ephemeralStorageBytes: 100 * 2 ** 30 };
  assert.deepEqual(nodeCapacity(m, 1), { cpu: '2', memory: `${8 * 2 ** 20}Ki`, pods: '110', 'ephemeral-storage': `${100 * 2 ** 20}Ki` });
  assert.deepEqual(nodeCapacity(m, 3).cpu, '2');
  assert.deepEqual(nodeCapacity({ ...m, cpus: 1.5 }, 2).cpu, '1500m');
  assert.equal(nodeName(2), 'node02');
});

test('ownedNodeStatus keeps extended resources others advertised', () => {
  const cap = { cpu: '1', memory: '1Ki', pods: '110', 'ephemeral-storage': '1Ki' };
  const prev = { capacity: { 'devices.kubevirt.io/kvm': '1k', cpu: '9' }, allocatable: { 'devices.kubevirt.io/kvm': '1k' } };
  const s = ownedNodeStatus(id, cap, prev, 'T');
  assert.equal(s.capacity?.['devices.kubevirt.io/kvm'], '1k');
  assert.equal(s.capacity?.cpu, '1');
  assert.equal(s.allocatable?.['devices.kubevirt.io/kvm'], '1k');
  assert.deepEqual(s.conditions?.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
});

test('newNode carries the standard labels and nodeInfo', () => {
  const n = newNode(id, nodeCapacity({ cpus: 1, memoryBytes: 2 ** 30, ephemeralStorageBytes: 2 ** 30 }, 1), 'T');
  assert.equal(n.metadata?.labels?.['kubernetes.io/hostname'], 'node01');
  assert.equal(n.metadata?.labels?.['kubernetes.io/arch'], 'amd64');
  assert.equal(n.status?.nodeInfo?.operatingSystem, 'linux');
  assert.match(microTime(new Date(0)), /^1970-01-01T00:00:00\.000000Z$/);
});
