// `expose`: the Service built from a VMI, VM or VMIRS (selector, ports, type, IP families) and
// the requests sent: GET the object, POST the Service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/meta/index.js';
import { buildService, parseSelector, type ExposeFlags } from './expose.js';
import { runFake } from './testing.js';

const base: ExposeFlags = { name: 'svc', type: 'ClusterIP', protocol: 'TCP' };
const vmi = {
  metadata: { name: 'web', labels: { app: 'web', 'kubevirt.io/nodeName': 'node01' } },
  spec: { networks: [{ name: 'default', pod: {} }], domain: { devices: { interfaces: [{ name: 'default', masquerade: {}, ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] } } },
};
const vm = { metadata: { name: 'web' }, spec: { template: { metadata: { labels: { app: 'web', 'kubevirt.io/vm-pool-revision-name': 'r1' } }, spec: {} } } };
const vmirs = { metadata: { name: 'rs' }, spec: { selector: { matchLabels: { app: 'rs' } }, template: { spec: {} } } };

test('a VMI: its labels minus the node label, its pod-network ports', () => {
  assert.deepEqual(buildService('vmi', vmi, 'ns', base), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', namespace: 'ns' },
    spec: {
      ports: [
        { name: 'port-1', protocol: 'TCP', port: 80 },
        { name: 'port-2', protocol: 'UDP', port: 53 },
      ],
      selector: { app: 'web' },
      type: 'ClusterIP',
    },
  });
});

test('--port, --target-port, --type, --selector, IP families', () => {
  const svc = buildService('vm', vm, 'ns', { ...base, port: 8080, targetPort: '80', type: 'NodePort', portName: 'http', ipFamily: 'IPv4,IPv6' });
  assert.deepEqual(svc.spec, { ports: [{ name: 'http', protocol: 'TCP', port: 8080, targetPort: 80 }], selector: { app: 'web' }, type: 'NodePort', ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack' });
  assert.deepEqual(buildService('vmi', vmi, 'ns', { ...base, port: 22 }).spec.ports, [{ protocol: 'TCP', port: 22, targetPort: 22 }]);
  assert.deepEqual(buildService('vmi', vmi, 'ns', { ...base, port: 80, targetPort: 'http' }).spec.ports[0].targetPort, 'http');
  assert.deepEqual(buildService('vmirs', vmirs, 'ns', { ...base, port: 80, selector: 'tier=front,app=x' }).spec.selector, { tier: 'front', app: 'x' });
  assert.deepEqual(buildService('vmirs', vmirs, 'ns', { ...base, port: 80, clusterIp: 'None' }).spec.clusterIP, 'None');
});

test('upstream errors for unusable input', () => {
  const table: [() => unknown, RegExp][] = [
    [() => buildService('vm', { spec: { template: { spec: {} } }, metadata: { name: 'x' } }, 'ns', { ...base, port: 80 }), /cannot expose vm without any label: x/],
    [() => buildService('vm', vm, 'ns', base), /couldn't find port via --port flag or introspection/],
    [() => buildService('vmirs', { spec: { selector: { matchExpressions: [{ key: 'a' }] } } }, 'ns', { ...base, port: 80 }), /cannot expose VirtualMachineInstance ReplicaSet with match expressions/],
    [() => buildService('vmi', vmi, 'ns', { ...base, protocol: 'SCTP' }), /unknown protocol: SCTP/],
    [() => buildService('vmi', vmi, 'ns', { ...base, type: 'ExternalName' }), /type: ExternalName not supported/],
    [() => buildService('vmi', vmi, 'ns', { ...base, type: 'Magic' }), /unknown service type: Magic/],
    [() => buildService('vmi', vmi, 'ns', { ...base, ipFamily: 'IPv5' }), /unknown IPFamily\/s: IPv5/],
    [() => parseSelector('a in (b)'), /only equality-based/],
  ];
  for (const [fn, re] of table) assert.throws(fn, re);
});

test('virtctl expose GETs the object and POSTs the Service', async () => {
  const r = await runFake(['expose', 'vmi', 'web', '--name', 'web-http', '--port', '80', '-n', 'prod'], { handler: (req) => (req.method === 'GET' ? vmi : req.body) });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.requests.map((q) => `${q.method} ${q.path}`), ['GET /apis/kubevirt.io/v1/namespaces/prod/virtualmachineinstances/web', 'POST /api/v1/namespaces/prod/services']);
  assert.deepEqual((r.requests[1]!.body as { spec: unknown }).spec, { ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }], selector: { app: 'web' }, type: 'ClusterIP' });
  assert.equal(r.stdout, 'Service web-http successfully exposed for vmi web\n');

  const rs = await runFake(['expose', 'VMIRS', 'rs', '--name', 's', '--port', '80'], { handler: (req) => (req.method === 'GET' ? vmirs : undefined) });
  assert.equal(rs.requests[0]!.path, '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstancereplicasets/rs');

  const missing = await runFake(['expose', 'vm', 'nope', '--name', 's', '--port', '80'], { handler: () => { throw new StatusError(404, 'NotFound', 'virtualmachines.kubevirt.io "nope" not found'); } });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error fetching Virtual Machine: virtualmachines.kubevirt.io "nope" not found\n');

  const noName = await runFake(['expose', 'vm', 'x', '--port', '80']);
  assert.equal(noName.code, 1);
  assert.match(noName.stderr, /required option '--name <name>' not specified/);
  const badType = await runFake(['expose', 'pod', 'x', '--name', 's']);
  assert.match(badType.stderr, /unsupported resource type: pod/);
});
