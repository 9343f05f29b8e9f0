import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Interface, VirtualMachineInstance } from '../../api/kubevirt/index.js';
import { BRIDGE_FAKE_IP, bridgeLease, bridgeSetupCommands, bridgeTeardownCommands, dummyCommands, parsePodInterface, type PodInterfaceState } from './bridge.js';

const ADDR = JSON.stringify([{
  ifname: 'eth0', mtu: 1450, address: '0a:58:0a:f4:00:05',
  addr_info: [{ family: 'inet', local: '10.244.0.5', prefixlen: 24 }, { family: 'inet6', local: 'fe80::1', prefixlen: 64 }],
}]);
const ROUTES = JSON.stringify([
  { dst: 'default', gateway: '10.244.0.1', dev: 'eth0' },
  { dst: '10.244.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '10.244.0.5' },
  { dst: '10.96.0.0/12', gateway: '10.244.0.1', dev: 'eth0' },
]);
const vmi = (hostname?: string): VirtualMachineInstance => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1', namespace: 'ns' },
  spec: { domain: { devices: {} }, ...(hostname ? { hostname } : {}) },
});

test('parses the pod interface: MAC, MTU, first IPv4 address and its routes', () => {
  assert.deepEqual(parsePodInterface('eth0', ADDR, ROUTES), {
    name: 'eth0', mac: '0a:58:0a:f4:00:05', mtu: 1450, ip: '10.244.0.5', prefix: 24,
    routes: [{ dst: 'default', gateway: '10.244.0.1' }, { dst: '10.244.0.0/24' }, { dst: '10.96.0.0/12', gateway: '10.244.0.1' }],
  });
  assert.throws(() => parsePodInterface('eth0', JSON.stringify([{ address: 'aa:bb:cc:dd:ee:ff', addr_info: [] }]), '[]'), /eth0 has no IPv4 address/);
});

test('the guest lease: the pod address, its MAC unless the VMI sets one, gateway, non-local routes, hostname', () => {
  const pod = parsePodInterface('eth0', ADDR, ROUTES);
  const resolv = { dns: ['10.96.0.10'], searchDomains: ['ns.svc.cluster.local'] };
  const cases: { name: string; iface: Interface; hostname?: string; mac: string; host: string }[] = [
    { name: 'pod MAC', iface: { name: 'default', bridge: {} }, mac: '0a:58:0a:f4:00:05', host: 'vm1' },
    { name: 'VMI MAC and hostname', iface: { name: 'default', bridge: {}, macAddress: 'DE-AD-00-00-BE-EF' }, hostname: 'web', mac: 'de:ad:00:00:be:ef', host: 'web' },
  ];
  for (const tc of cases) {
    const lease = bridgeLease(pod, tc.iface, vmi(tc.hostname), resolv);
    assert.equal(lease.clientMac, tc.mac, tc.name);
    assert.equal(lease.hostname, tc.host, tc.name);
    assert.equal(lease.clientIp, '10.244.0.5');
    assert.equal(lease.subnetMask, '255.255.255.0');
    assert.equal(lease.router, '10.244.0.1');
    assert.equal(lease.serverIp, BRIDGE_FAKE_IP);
    assert.equal(lease.mtu, 1450);
    assert.deepEqual(lease.dns, ['10.96.0.10']);
    assert.deepEqual(lease.routes, [{ destination: '0.0.0.0/0', gateway: '10.244.0.1' }, { destination: '10.96.0.0/12', gateway: '10.244.0.1' }]);
  }
});

test('a pod without a gateway gets a lease without router or routes', () => {
  const pod: PodInterfaceState = { name: 'eth0', mac: '0a:00:00:00:00:01', mtu: 1500, ip: '192.168.1.9', prefix: 16, routes: [{ dst: '192.168.0.0/16' }] };
  const lease = bridgeLease(pod, { name: 'n', bridge: {} }, vmi(), { dns: [], searchDomains: [] });
  assert.equal(lease.router, undefined);
  assert.equal(lease.routes, undefined);
  assert.equal(lease.subnetMask, '255.255.0.0');
});

test('setup moves eth0 behind the bridge and leaves a dummy eth0 with the pod MAC and IP; teardown restores it', () => {
  const pod = parsePodInterface('eth0', ADDR, ROUTES);
  const setup = [...bridgeSetupCommands(pod, '02:00:00:aa:bb:cc'), ...dummyCommands(pod)].map((a) => a.join(' '));
  const expectInOrder = [
    'link set dev eth0 name eth0-nic', 'addr flush dev eth0-nic', 'link set dev eth0-nic address 02:00:00:aa:bb:cc',
    'link add k6t-eth0 type bridge', `addr add ${BRIDGE_FAKE_IP}/32 dev k6t-eth0`, 'link set dev eth0-nic master k6t-eth0',
    'link set dev eth0-nic type bridge_slave learning off', 'tuntap add dev tap0 mode tap', 'link set dev tap0 mtu 1450 master k6t-eth0 up',
    'link set dev k6t-eth0 up', 'link add eth0 type dummy', 'link set dev eth0 address 0a:58:0a:f4:00:05 mtu 1450', 'addr add 10.244.0.5/24 dev eth0',
  ];
  let at = -1;
  for (const c of expectInOrder) {
    const i = setup.indexOf(c);
    assert.ok(i > at, `${c} missing or out of order in\n${setup.join('\n')}`);
    at = i;
  }
  const down = bridgeTeardownCommands(pod).map((a) => a.join(' '));
  for (const c of ['link del dev k6t-eth0', 'link set dev eth0-nic name eth0', 'link set dev eth0 address 0a:58:0a:f4:00:05', 'addr add 10.244.0.5/24 dev eth0', 'route replace default via 10.244.0.1 dev eth0']) {
    assert.ok(down.includes(c), `${c} missing from teardown`);
  }
});
