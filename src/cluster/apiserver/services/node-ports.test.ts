import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldErrorMessage, type KubeObject } from '../../../api/meta/index.js';
import { Store } from '../store/store.js';
import { dropStaleNodePorts, NodePortAllocator } from './node-ports.js';

const services = { group: '', resource: 'services' };

function withAllocator(fn: (a: NodePortAllocator, s: Store, clock: { t: number }) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nodeports-'));
  const s = new Store(join(dir, 'db.sqlite'));
  const clock = { t: 1_000_000 };
  try {
    fn(new NodePortAllocator(s, () => clock.t), s, clock);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const svc = (name: string, type: string | undefined, ports: { port: number; nodePort?: number }[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'ns', name },
  spec: { ...(type ? { type } : {}), ports: ports.map((p) => ({ protocol: 'TCP', ...p })) },
});

const messages = (a: NodePortAllocator, o: KubeObject): string[] => a.assign(o).map(fieldErrorMessage);

test('node ports: allocation, requested ports, range and duplicates', () => {
  withAllocator((a, store) => {
    const one = svc('one', 'NodePort', [{ port: 80 }, { port: 443, nodePort: 30000 }]);
    assert.deepEqual(messages(a, one), []);
    const ports = (one.spec as { ports: { nodePort: number }[] }).ports.map((p) => p.nodePort);
    assert.deepEqual(ports, [30001, 30000]);
    store.create(services, one);
    const cases: [string, KubeObject, string[]][] = [
      ['taken', svc('two', 'NodePort', [{ port: 80, nodePort: 30001 }]), ['spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated']],
      ['out of range', svc('two', 'NodePort', [{ port: 80, nodePort: 8080 }]), ['spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767']],
      ['ClusterIP with a node port', svc('two', undefined, [{ port: 80, nodePort: 30100 }]), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
      ['ClusterIP without', svc('two', 'ClusterIP', [{ port: 80 }]), []],
      ['LoadBalancer gets one', svc('lb', 'LoadBalancer', [{ port: 80 }]), []],
    ];
    for (const [name, o, want] of cases) assert.deepEqual(messages(a, o), want, name);
    // The owner itself may keep its ports on update.
    assert.deepEqual(messages(a, structuredClone(one)), []);
  });
});

test('node ports are released on delete and type change, and lapse when never stored', () => {
  withAllocator((a, store, clock) => {
    const one = svc('one', 'NodePort', [{ port: 80, nodePort: 31000 }]);
    assert.deepEqual(messages(a, one), []);
    // Reserved but never stored: taken for a while, then free again.
    assert.equal(messages(a, svc('two', 'NodePort', [{ port: 80, nodePort: 31000 }])).length, 1);
    clock.t += 120_000;
    assert.deepEqual(messages(a, svc('two', 'NodePort', [{ port: 80, nodePort: 31000 }])), []);
    const stored = store.create(services, svc('three', 'NodePort', [{ port: 80, nodePort: 31001 }]));
    assert.equal(messages(a, svc('four', 'NodePort', [{ port: 80, nodePort: 31001 }])).length, 1);
    const toClusterIp = svc('three', 'ClusterIP', [{ port: 80, nodePort: 31001 }]);
    dropStaleNodePorts(toClusterIp, stored);
    assert.deepEqual(toClusterIp.spec, { type: 'ClusterIP', ports: [{ protocol: 'TCP', port: 80 }] });
    store.update(services, { ...toClusterIp, metadata: stored.metadata });
    assert.deepEqual(messages(a, svc('four', 'NodePort', [{ port: 80, nodePort: 31001 }])), []);
    store.create(services, svc('five', 'NodePort', [{ port: 80, nodePort: 31002 }]));
    assert.equal(messages(a, svc('six', 'NodePort', [{ port: 80, nodePort: 31002 }])).length, 1);
    store.delete(services, 'ns', 'five');
    assert.deepEqual(messages(a, svc('six', 'NodePort', [{ port: 80, nodePort: 31002 }])), []);
  });
});
